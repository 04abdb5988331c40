using System.Runtime.InteropServices;
using Jano.Core.IO;
using Jano.Export.Checkpoints;
using Jano.Export.Encoders.T5;
using Jano.Runtime.Conditioning;
using Jano.Tests.Export.T5;

namespace Jano.Tests.Golden;

/// <summary>
/// The exported T5 encoder graph, the runtime's T5TextEncoder (tokenizer + graph) and the double-precision
/// <see cref="T5Reference"/> against transformers' own T5EncoderModel (tools/golden/gen_t5.py, fixture
/// t5/v1_1_like: T5 v1.1 as T5-XXL, gated-gelu, 32 buckets with max distance 16 over 24 tokens, so
/// exact, logarithmic and clamped buckets occur). The ids are transformers' T5Tokenizer's on the tiny
/// SentencePiece model: a padded, a medium and a truncated prompt. Tolerance relative to the output's
/// largest value: float32 1e-4 (accumulation order), float16 5e-3.
/// </summary>
[TestFixture]
public sealed class T5TransformersGoldenTests
{
    private const string Folder = "t5/v1_1_like";
    private const int MaxTokens = 24;
    private readonly TempFolder _temp = new("jano-t5-golden");
    private readonly Dictionary<string, string> _graphs = [];

    [OneTimeTearDown]
    public void Cleanup() => _temp.Dispose();

    private static SafetensorsFile Io() => GoldenFixtures.Open(Folder + "/io.safetensors");

    private static long[] Longs(SafetensorsFile io, string name) => MemoryMarshal.Cast<byte, long>(io.ReadRaw(name)).ToArray();

    private static string[] Prompts(SafetensorsFile io) => System.Text.Json.JsonSerializer.Deserialize<string[]>(io.Metadata["prompts"])!;

    /// <summary>The fixture's checkpoint exported once per dtype, with the committed tiny spiece.model as its tokenizer.</summary>
    private string Graph(string dtype)
    {
        if (_graphs.TryGetValue(dtype, out var graph)) return graph;
        var package = Path.Combine(_temp.Path, dtype);
        var entry = T5Exporter.Export(GoldenFixtures.PathOf(Folder), package,
            new T5ExportOptions { DType = dtype, MaxTokens = MaxTokens, SentencePiece = T5Golden.SentencePieceModel });
        return _graphs[dtype] = Path.Combine(package, entry.Graph!);
    }

    [TestCase("float32", 1e-4)]
    [TestCase("float16", 5e-3)]
    public void TheExportedGraphGivesTransformersT5EncoderModelOutputs(string dtype, double tolerance)
    {
        using var io = Io();
        var ids = Longs(io, "input_ids");
        var mask = Longs(io, "attention_mask");
        var batch = (int)io.Get("input_ids").Shape[0];

        var masked = GoldenFixtures.RelativeError(TinyT5.Run(Graph(dtype), ids, mask, batch), io.ReadAsFloat32("last_hidden_state"));
        var ones = Enumerable.Repeat(1L, mask.Length).ToArray();
        var unmasked = GoldenFixtures.RelativeError(TinyT5.Run(Graph(dtype), ids, ones, batch), io.ReadAsFloat32("last_hidden_state_unmasked"));
        TestContext.Out.WriteLine($"{Folder} {dtype}: relative error with the mask {masked:E2}, without (SD3's call) {unmasked:E2}");
        Assert.That(masked, Is.LessThan(tolerance), "with attention_mask");
        Assert.That(unmasked, Is.LessThan(tolerance), "without attention_mask");
    }

    [Test]
    public void TheDoubleReferenceAgreesWithTransformers()
    {
        using var io = Io();
        var folder = GoldenFixtures.PathOf(Folder);
        var config = T5Config.Load(Path.Combine(folder, "config.json"));
        using var weights = CheckpointWeights.Open(folder);
        var embedding = weights.Contains(T5Weights.EncoderEmbedding) ? T5Weights.EncoderEmbedding : T5Weights.SharedEmbedding;
        var reference = new T5Reference(config, new T5Weights(config, (k, s) => weights.GetFloat32(k, s), embedding));
        var ids = Longs(io, "input_ids");
        var mask = Longs(io, "attention_mask");
        var l = (int)io.Get("input_ids").Shape[1];
        var rows = Enumerable.Range(0, ids.Length / l)
            .SelectMany(b => reference.Forward(ids[(b * l)..((b + 1) * l)], mask[(b * l)..((b + 1) * l)]))
            .Select(v => (float)v).ToArray();
        var error = GoldenFixtures.RelativeError(rows, io.ReadAsFloat32("last_hidden_state"));
        TestContext.Out.WriteLine($"{Folder} T5Reference: relative error {error:E2}");
        Assert.That(error, Is.LessThan(1e-4));
    }

    /// <summary>
    /// Prompt → states through the runtime encoder: our tokenizer must give transformers' T5Tokenizer ids, and the
    /// states those of T5EncoderModel: PixArt's framing (padded to maxTokens, mask false on the padding) against the
    /// masked call, SD3's (every row attended) against the unmasked one.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void TheRuntimeEncoderGivesTransformersStatesForEachPrompt(bool attendToPadding)
    {
        using var io = Io();
        var ids = Longs(io, "input_ids");
        var mask = Longs(io, "attention_mask");
        var expected = io.ReadAsFloat32(attendToPadding ? "last_hidden_state_unmasked" : "last_hidden_state");
        var width = (int)io.Get("last_hidden_state").Shape[2];
        using var encoder = new T5TextEncoder(Graph("float32"), T5Golden.SentencePieceModel, MaxTokens,
            new T5TextEncoderOptions { IntraOpThreads = 1, Truncate = true, AttendToPadding = attendToPadding });
        var prompts = Prompts(io);
        for (var b = 0; b < prompts.Length; b++)
        {
            var c = encoder.Encode(prompts[b]);
            Assert.That(c.TokenIds.Select(i => (long)i), Is.EqualTo(ids[(b * MaxTokens)..((b + 1) * MaxTokens)]), $"prompt {b} ids");
            var real = mask[(b * MaxTokens)..((b + 1) * MaxTokens)].Select(m => attendToPadding || m == 1);
            Assert.That(c.Mask, Is.EqualTo(real), $"prompt {b} mask");
            var error = GoldenFixtures.RelativeError(c.States, expected.AsSpan(b * MaxTokens * width, MaxTokens * width));
            TestContext.Out.WriteLine($"{Folder} runtime (attend to padding: {attendToPadding}) prompt {b} ({c.RealTokens} real tokens): relative error {error:E2}");
            Assert.That(error, Is.LessThan(1e-4), $"prompt {b} states");
        }
    }
}
