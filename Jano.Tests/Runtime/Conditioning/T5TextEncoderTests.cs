using Jano.Core.Packages;
using Jano.Export.Encoders.T5;
using Jano.Runtime.Conditioning;
using Jano.Runtime.Text;
using Jano.Tests.Export.T5;

namespace Jano.Tests.Runtime.Conditioning;

/// <summary>
/// The runtime T5 encoder on an exported tiny random T5 whose vocabulary covers the golden tokenizer:
/// prompt → tokenizer → graph against the golden ids and the double-precision reference.
/// </summary>
public sealed class T5TextEncoderTests
{
    private const int MaxTokens = 24;
    private TinyT5 _model = null!;
    private TextEncoderComponent _component = null!;
    private T5TextEncoder _encoder = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyT5(T5RandomCheckpoint.ConfigJson(vocab: 320));
        _component = T5Exporter.Export(_model.Root, _model.Package, new T5ExportOptions { MaxTokens = MaxTokens });
        _encoder = T5TextEncoder.Open(_component, _model.Package, new T5TextEncoderOptions { IntraOpThreads = 1 });
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _encoder.Dispose();
        _model.Dispose();
    }

    [Test]
    public void APromptIsPaddedToMaxTokensWithItsMaskAndMatchesTheReference()
    {
        var c = _encoder.Encode("a photo of a cat");
        int[] pieces = [6, 67, 168, 145, 3, 30, 6, 41, 8]; // sentencepiece's, from the golden fixture
        Assert.That(c.TokenIds, Is.EqualTo(pieces.Append(1).Concat(new int[MaxTokens - 10]).ToArray()));
        Assert.That(c.Mask, Is.EqualTo(Enumerable.Range(0, MaxTokens).Select(i => i < 10).ToArray()));
        Assert.That((c.RealTokens, c.TokenCount, c.HiddenSize, c.Pooled), Is.EqualTo((10, MaxTokens, 32, (float[]?)null)));
        var expected = _model.Reference.Forward(c.TokenIds.Select(i => (long)i).ToArray(), c.Mask.Select(m => m ? 1L : 0L).ToArray());
        Assert.That(TestData.MaxAbsDiff(c.States, expected), Is.LessThanOrEqualTo(1e-4 * Math.Max(1, expected.Max(Math.Abs))));
    }

    [Test]
    public void TheEmptyPromptIsEosAlone()
    {
        var c = _encoder.Encode("");
        Assert.That(c.TokenIds[0], Is.EqualTo(1));
        Assert.That(c.RealTokens, Is.EqualTo(1));
    }

    [Test]
    public void ALongPromptIsTruncatedKeepingEos()
    {
        var c = _encoder.Encode(string.Join(' ', Enumerable.Repeat("an astronaut riding a horse", 10)));
        Assert.That(c.RealTokens, Is.EqualTo(MaxTokens));
        Assert.That(c.TokenIds[^1], Is.EqualTo(1));
    }

    [Test]
    public void UnpaddedEncodingGivesTheSameRealRows()
    {
        using var unpadded = T5TextEncoder.Open(_component, _model.Package, new T5TextEncoderOptions { PadToMaxTokens = false, IntraOpThreads = 1 });
        const string prompt = "café crème, 100%";
        var a = unpadded.Encode(prompt);
        var b = _encoder.Encode(prompt);
        Assert.That(a.TokenCount, Is.EqualTo(b.RealTokens));
        Assert.That(a.Mask, Is.All.True);
        Assert.That(TestData.MaxAbsDiff(a.States, b.States.Take(a.States.Length).ToArray()), Is.LessThanOrEqualTo(1e-5));
    }

    [Test]
    public void TheSamePromptReturnsTheCachedInstance() =>
        Assert.That(_encoder.Encode("two dogs"), Is.SameAs(_encoder.Encode("two dogs")));

    [Test]
    public void TruncationOffRefusesALongPrompt()
    {
        using var strict = T5TextEncoder.Open(_component, _model.Package, new T5TextEncoderOptions { Truncate = false });
        Assert.Throws<PromptTooLongException>(() => strict.Encode(string.Join(' ', Enumerable.Repeat("a red fox", 20))));
    }

    [Test]
    public void AManifestEntryThatDisagreesWithItsFilesIsRefusedByField()
    {
        Assert.That(() => T5TextEncoder.Open(_component with { HiddenSize = 64 }, _model.Package),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("'hiddenSize' is 64").And.Message.Contains("outputs 32"));
        Assert.That(() => T5TextEncoder.Open(_component with { Kind = "minilm" }, _model.Package),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("kind"));
        Assert.That(() => T5TextEncoder.Open(_component with { Tokenizer = [] }, _model.Package),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("'tokenizer'"));
        Assert.That(() => T5TextEncoder.Open(_component with { Graph = null }, _model.Package),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("'graph'"));
    }

    [Test]
    public void ItIsAnITextEncoder()
    {
        ITextEncoder encoder = _encoder;
        Assert.That((encoder.Kind, encoder.HiddenSize, encoder.MaxTokens), Is.EqualTo(("t5", 32, MaxTokens)));
    }
}
