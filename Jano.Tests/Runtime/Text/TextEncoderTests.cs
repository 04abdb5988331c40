using System.Numerics.Tensors;
using Jano.Runtime.Text;

namespace Jano.Tests.Runtime.Text;

public class TextEncoderTests
{
    private TextEncoder _encoder = null!;

    [OneTimeSetUp]
    public void LoadModel() => _encoder = TextEncoder.CreateDefault(new TextEncoderOptions { IntraOpThreads = 2 });

    [OneTimeTearDown]
    public void DisposeModel() => _encoder.Dispose();

    [Test]
    public void Hidden_size_is_384() => Assert.That(_encoder.HiddenSize, Is.EqualTo(384));

    [Test]
    public void Output_has_one_row_per_token()
    {
        var embedding = _encoder.Encode("an ankle boot");
        Assert.That(embedding.TokenIds, Is.EqualTo(new[] { 101, 2019, 10792, 9573, 102 }));
        Assert.That(embedding.TokenCount, Is.EqualTo(5));
        Assert.That(embedding.HiddenSize, Is.EqualTo(384));
        Assert.That(embedding.HiddenStates, Has.Length.EqualTo(5 * 384));
        Assert.That(embedding.HiddenStates.All(float.IsFinite), Is.True);
        Assert.That(embedding.HiddenStates.Any(v => v != 0f), Is.True);
    }

    [Test]
    public void Empty_prompt_is_the_two_token_unconditional_caption()
    {
        var embedding = _encoder.Encode("");
        Assert.That(embedding.TokenIds, Is.EqualTo(new[] { 101, 102 }));
        Assert.That(embedding.HiddenStates, Has.Length.EqualTo(2 * 384));
    }

    [Test]
    public void Similar_captions_are_close_and_different_ones_far()
    {
        var trousers = Pooled("a pair of trousers");
        // Measured when this was written: 0.84 and 0.24.
        Assert.That(TensorPrimitives.CosineSimilarity(trousers, Pooled("a pair of long pants")), Is.GreaterThan(0.75f));
        Assert.That(TensorPrimitives.CosineSimilarity(trousers, Pooled("a summer dress")), Is.LessThan(0.4f));
    }

    [Test]
    public void Mean_pooling_averages_token_rows()
    {
        var embedding = _encoder.Encode("an ankle boot");
        var pooled = TextEncoder.MeanPooled(embedding);
        Assert.That(pooled, Has.Length.EqualTo(384));
        float expected = Enumerable.Range(0, embedding.TokenCount).Average(t => embedding.Row(t)[7]);
        Assert.That(pooled[7], Is.EqualTo(expected).Within(1e-5f));
    }

    [Test]
    public void The_same_prompt_returns_the_cached_instance()
    {
        var first = _encoder.Encode("a pullover");
        var copy = first.HiddenStates.ToArray();
        var second = _encoder.Encode("a pullover");
        Assert.That(second, Is.SameAs(first));
        Assert.That(second.HiddenStates, Is.EqualTo(copy));
    }

    [Test]
    public void A_fresh_encoder_gives_the_same_states()
    {
        using var other = TextEncoder.CreateDefault(new TextEncoderOptions { IntraOpThreads = 2 });
        var mine = _encoder.Encode("a sneaker with white laces");
        var theirs = other.Encode("a sneaker with white laces");
        Assert.That(theirs, Is.Not.SameAs(mine));
        Assert.That(theirs.TokenIds, Is.EqualTo(mine.TokenIds));
        Assert.That(theirs.HiddenStates, Is.EqualTo(mine.HiddenStates));
    }

    [Test]
    public void Token_limit_applies_with_and_without_truncation()
    {
        using var strict = TextEncoder.CreateDefault(new TextEncoderOptions { MaxTokens = 4 });
        Assert.Throws<PromptTooLongException>(() => strict.Encode("a pair of trousers"));
        Assert.That(strict.Encode("a bag").TokenCount, Is.EqualTo(4));

        using var cutting = TextEncoder.CreateDefault(new TextEncoderOptions { MaxTokens = 4, Truncate = true });
        var cut = cutting.Encode("a pair of trousers");
        Assert.That(cut.TokenIds, Is.EqualTo(new[] { 101, 1037, 3940, 102 }));
        Assert.That(cut.HiddenStates, Has.Length.EqualTo(4 * 384));
    }

    [Test]
    public void Encoding_after_dispose_throws()
    {
        var encoder = TextEncoder.CreateDefault();
        encoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode("a bag"));
    }

    private float[] Pooled(string prompt) => TextEncoder.MeanPooled(_encoder.Encode(prompt));
}
