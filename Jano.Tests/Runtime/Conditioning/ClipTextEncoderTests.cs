using Jano.Export.Encoders.Clip;
using Jano.Runtime.Conditioning;
using Jano.Tests.Export;
using Jano.Tests.Golden;

namespace Jano.Tests.Runtime.Conditioning;

/// <summary>
/// The runtime CLIP encoder (tokenizer + exported graph) on a random SD3-like model over the full CLIP id
/// range (vocabulary 49408, the legacy eos_token_id 2), with the golden tokenizer files: its outputs
/// against the double-precision reference on the tokenizer's ids, the option between penultimate and
/// last states, caching and batching, both padding conventions, and the interface checks.
/// </summary>
[TestFixture]
public sealed class ClipTextEncoderTests
{
    private TinyClip _clip = null!;
    private TempFolder _folder = null!;

    private static readonly string[] Prompts = ["a photo of a cat", "café crème brûlée", ""];

    [OneTimeSetUp]
    public void Export()
    {
        var config = TinyClip.Shape(true, ClipActivation.QuickGelu, eos: 2, vocab: 49408, positions: 77, hidden: 16, heads: 2, layers: 2, intermediate: 32)
            with { BosTokenId = 0 };
        _clip = new TinyClip(config, seed: 31);
        _folder = new TempFolder();
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _clip.Dispose();
        _folder.Dispose();
    }

    private ClipTextEncoder Open(ClipTokenStates states = ClipTokenStates.Penultimate, string? tokenizerConfig = null, string? graph = null)
    {
        var tokenizer = GoldenFixtures.PathOf("clip-tokenizer");
        var files = ClipTextEncoderFiles.From(graph ?? _clip.Graph, tokenizer);
        if (tokenizerConfig is not null)
        {
            var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path, tokenizerConfig);
            files = files with { TokenizerConfig = path };
        }
        return ClipTextEncoder.Open(files, new ClipTextEncoderOptions { States = states, IntraOpThreads = 1 });
    }

    [TestCase(ClipTokenStates.Penultimate)]
    [TestCase(ClipTokenStates.Last)]
    public void OutputsMatchTheReferenceOnTheTokenizersIds(ClipTokenStates states)
    {
        using var encoder = Open(states);
        Assert.That((encoder.SequenceLength, encoder.HiddenSize, encoder.ProjectionDim), Is.EqualTo((77, 16, 12)));
        var reference = new ClipReference(_clip.Config, _clip.Weights);
        foreach (var prompt in Prompts)
        {
            var encoding = encoder.Encode(prompt);
            var expected = reference.Forward(encoding.Tokens.Ids);
            Assert.That(expected.PoolPosition, Is.EqualTo(encoding.Length - 1), "pooled at the EOS");
            var states_ = states == ClipTokenStates.Last ? expected.Last : expected.Penultimate;
            Assert.That(GoldenFixtures.RelativeError(encoding.States, states_.Select(v => (float)v).ToArray()), Is.LessThan(1e-4), prompt);
            Assert.That(GoldenFixtures.RelativeError(encoding.Pooled, expected.Pooled.Select(v => (float)v).ToArray()), Is.LessThan(1e-4), prompt);
            Assert.That(GoldenFixtures.RelativeError(encoding.TextEmbeds, expected.TextEmbeds!.Select(v => (float)v).ToArray()), Is.LessThan(1e-4), prompt);
            Assert.That(encoding.Kind, Is.EqualTo(states));
        }
    }

    [Test]
    public void APromptIsCachedAndABatchEqualsSingleRuns()
    {
        using var encoder = Open();
        var first = encoder.Encode(Prompts[0]);
        Assert.That(encoder.Encode(Prompts[0]), Is.SameAs(first));
        var batch = encoder.EncodeBatch(Prompts);
        for (var i = 0; i < Prompts.Length; i++)
        {
            var single = encoder.Encode(Prompts[i]);
            Assert.That(TestData.MaxAbsDiff(batch[i].States, single.States), Is.LessThan(1e-5));
            Assert.That(TestData.MaxAbsDiff(batch[i].Pooled, single.Pooled), Is.LessThan(1e-5));
            Assert.That(batch[i].Tokens.Ids, Is.EqualTo(single.Tokens.Ids));
        }
    }

    [Test]
    public void PaddingOnlyChangesThePaddingRows()
    {
        // Causal attention: the rows up to the EOS, and so the pooled state, cannot see what follows it.
        using var eosPadded = Open();
        using var bangPadded = Open(tokenizerConfig: """{"pad_token": "!", "tokenizer_class": "CLIPTokenizer"}""");
        var a = eosPadded.Encode(Prompts[1]);
        var b = bangPadded.Encode(Prompts[1]);
        Assert.That(b.Tokens.Ids.Skip(b.Length), Is.All.EqualTo(0L));
        Assert.That(a.Tokens.Ids.Skip(a.Length), Is.All.EqualTo(49407L));
        var real = a.Length * a.HiddenSize;
        Assert.That(TestData.MaxAbsDiff(a.States[..real], b.States[..real]), Is.LessThan(1e-5));
        Assert.That(TestData.MaxAbsDiff(a.States[real..], b.States[real..]), Is.GreaterThan(1e-3));
        Assert.That(TestData.MaxAbsDiff(a.Pooled, b.Pooled), Is.LessThan(1e-5));
    }

    [Test]
    public void TheGraphsLengthMustBeTheTokenizers()
    {
        using var shortGraph = new TinyClip(TinyClip.Shape(false, ClipActivation.QuickGelu, 50, positions: 16), seed: 2);
        var e = Assert.Throws<InvalidDataException>(() => Open(graph: shortGraph.Graph))!;
        Assert.That(e.Message, Does.Contain("16 ids per prompt").And.Contain("'model_max_length' is 77"));
    }

    [Test]
    public void APlainModelHasNoTextEmbeds()
    {
        using var plain = new TinyClip(TinyClip.Shape(false, ClipActivation.Gelu, 49407, vocab: 49408, positions: 77) with { BosTokenId = 49406 }, seed: 4);
        using var encoder = Open(graph: plain.Graph);
        var encoding = encoder.Encode("a cat, a dog!");
        Assert.That((encoder.ProjectionDim, encoding.TextEmbeds), Is.EqualTo((0, (float[]?)null)));
        var expected = new ClipReference(plain.Config, plain.Weights).Forward(encoding.Tokens.Ids);
        Assert.That(GoldenFixtures.RelativeError(encoding.Pooled, expected.Pooled.Select(v => (float)v).ToArray()), Is.LessThan(1e-4));
    }
}
