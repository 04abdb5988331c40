using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Conditioning;
using Jano.Tests.Cli;

namespace Jano.Tests.Golden;

/// <summary>
/// SD3's prompt conditioning (<see cref="Sd3Conditioning"/>: our tokenizers, our exported CLIP-L, CLIP-G and T5
/// graphs, our composition) against diffusers v0.32.2's StableDiffusion3Pipeline.encode_prompt run with
/// transformers v4.30.0's encoders and tokenizers (tools/golden/gen_sd3_prompt.py, fixture sd3-prompt) on the
/// same folder P = `jano init-random --pipeline sd3 --seed 0` (deterministic for a seed; the script checks it).
/// Here P goes through `jano export --pipeline` as a user's would; the case without T5 exports P with
/// text_encoder_3 and tokenizer_3 null in model_index.json (what diffusers' save_pretrained writes for a
/// pipeline loaded with text_encoder_3=None, as the script loaded it). Per case and prompt pair (a short one;
/// one cut at 77 CLIP tokens and 256 T5 pieces with the empty negative prompt): the token ids, the caption
/// states [77 + 256 or 77 + 77, J] and the pooled vector [PL + PG], relative to each tensor's largest value.
/// </summary>
[TestFixture]
public sealed class Sd3PromptGoldenTests
{
    private const string Fixture = "sd3-prompt/io.safetensors";
    private const double Tolerance = 1e-4;
    private readonly TempFolder _folder = new("jano-sd3-prompt");
    private readonly Dictionary<string, string> _packages = [];

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    /// <summary>init-random P once, then one package per case through the command line.</summary>
    private string Package(string @case)
    {
        if (_packages.TryGetValue(@case, out var done)) return done;
        var root = Path.Combine(_folder.Path, "P");
        if (!Directory.Exists(root))
        {
            var init = CliRunner.Run("init-random", "--pipeline", "sd3", "--out", root, "--seed", "0");
            Assert.That(init.Code, Is.EqualTo(0), init.Err);
        }
        var source = root;
        if (@case == "no_t5")
        {
            source = Path.Combine(_folder.Path, "P-no-t5");
            CopyTree(root, source);
            var indexPath = Path.Combine(source, "model_index.json");
            var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
            index["text_encoder_3"] = new JsonArray(null, null);
            index["tokenizer_3"] = new JsonArray(null, null);
            File.WriteAllText(indexPath, index.ToJsonString());
        }
        var package = Path.Combine(_folder.Path, "K-" + @case);
        var export = CliRunner.Run("export", "--pipeline", source, "--out", package);
        Assert.That(export.Code, Is.EqualTo(0), export.Err);
        return _packages[@case] = package;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from c in new[] { "t5", "no_t5" }
        from pair in new[] { "short", "long" }
        select new TestCaseData(c, pair).SetArgDisplayNames($"{c}-{pair}");

    private static (string Prompt, string Negative) Pair(SafetensorsFile io, string pair)
    {
        var pairs = JsonNode.Parse(io.Metadata["pairs"])!.AsObject();
        return (pairs[pair]!["prompt"]!.GetValue<string>(), pairs[pair]!["negative_prompt"]!.GetValue<string>());
    }

    private static long[] Longs(SafetensorsFile io, string name) => MemoryMarshal.Cast<byte, long>(io.ReadRaw(name)).ToArray();

    [TestCaseSource(nameof(Cases))]
    public void Sd3ConditioningGivesDiffusersEncodePrompt(string @case, string pair)
    {
        using var io = GoldenFixtures.Open(Fixture);
        var package = ModelPackage.Open(Package(@case));
        using var conditioning = Sd3Conditioning.Open(package, new RuntimeOptions { Threads = 1, TruncatePrompts = true });
        var (prompt, negative) = Pair(io, pair);
        foreach (var (text, side) in new[] { (prompt, ""), (negative, "negative_") })
        {
            var c = conditioning.Encode(text);
            var states = io.Get($"{@case}_{pair}_{side}prompt_embeds");
            Assert.That((c.TokenCount, c.HiddenSize), Is.EqualTo(((int)states.Shape[1], (int)states.Shape[2])), $"{side}caption shape");
            Assert.That(c.RealTokens, Is.EqualTo(c.TokenCount), "SD3 attends to every caption row");

            var clipIds = Longs(io, $"{pair}_{side}clip_ids");
            Assert.That(c.TokenIds.Take(clipIds.Length).Select(i => (long)i), Is.EqualTo(clipIds), $"{side}CLIP ids");
            if (@case == "t5")
                Assert.That(c.TokenIds.Skip(clipIds.Length).Select(i => (long)i), Is.EqualTo(Longs(io, $"{pair}_{side}t5_ids")), $"{side}T5 ids");

            var stateError = GoldenFixtures.RelativeError(c.States, io.ReadAsFloat32($"{@case}_{pair}_{side}prompt_embeds"));
            var pooledError = GoldenFixtures.RelativeError(c.Pooled!, io.ReadAsFloat32($"{@case}_{pair}_{side}pooled_prompt_embeds"));
            TestContext.Out.WriteLine($"sd3-prompt {@case} {pair} {(side == "" ? "prompt" : "negative")}: caption relative error {stateError:E2}, pooled {pooledError:E2}");
            Assert.That(stateError, Is.LessThan(Tolerance), $"{side}prompt_embeds");
            Assert.That(pooledError, Is.LessThan(Tolerance), $"{side}pooled");
        }
    }
}
