using Jano.Runtime.Conditioning;
using Jano.Runtime.Text;

namespace Jano.Tests.Runtime.Conditioning;

/// <summary>The built-in MiniLM encoder through <see cref="ITextEncoder"/>: the same states it always gave, every row real.</summary>
public sealed class MiniLmConditioningTests
{
    [Test]
    public void ConditioningIsTheEmbeddingWithAnAllTrueMask()
    {
        using var encoder = TextEncoder.CreateDefault(new TextEncoderOptions { IntraOpThreads = 1 });
        ITextEncoder asInterface = encoder;
        var embedding = encoder.Encode("an ankle boot");
        var conditioning = asInterface.Encode("an ankle boot");
        Assert.That(asInterface.Kind, Is.EqualTo("minilm"));
        Assert.That((asInterface.HiddenSize, asInterface.MaxTokens), Is.EqualTo((384, 64)));
        Assert.That(conditioning.States, Is.SameAs(embedding.HiddenStates));
        Assert.That(conditioning.TokenIds, Is.EqualTo(embedding.TokenIds));
        Assert.That(conditioning.Mask, Is.All.True);
        Assert.That(conditioning.Mask, Has.Length.EqualTo(embedding.TokenCount));
        Assert.That(conditioning.Pooled, Is.Null);
    }
}
