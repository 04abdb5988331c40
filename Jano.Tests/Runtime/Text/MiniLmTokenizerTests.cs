using Jano.Runtime.Text;

namespace Jano.Tests.Runtime.Text;

public class MiniLmTokenizerTests
{
    private MiniLmTokenizer _tokenizer = null!;

    [OneTimeSetUp]
    public void LoadVocabulary() => _tokenizer = MiniLmTokenizer.CreateDefault();

    // Expected ids looked up by hand in the BERT uncased vocab.txt (id = line number − 1).
    [TestCase("an ankle boot", new[] { 101, 2019, 10792, 9573, 102 })]
    [TestCase("a pair of trousers", new[] { 101, 1037, 3940, 1997, 15292, 102 })]
    [TestCase("Hello, World!", new[] { 101, 7592, 1010, 2088, 999, 102 })]   // lower-cased, punctuation split off
    [TestCase("  CAFÉ  ", new[] { 101, 7668, 102 })]                      // accent stripped, spaces ignored
    [TestCase("cafe\u0301", new[] { 101, 7668, 102 })]                   // separate combining accent dropped
    public void Encodes_known_strings(string text, int[] expected) =>
        Assert.That(_tokenizer.Encode(text, maxTokens: 64, truncate: false), Is.EqualTo(expected));

    [Test]
    public void Empty_text_is_cls_sep() =>
        Assert.That(_tokenizer.Encode("", maxTokens: 64, truncate: false), Is.EqualTo(new[] { 101, 102 }));

    [Test]
    public void Special_token_ids_are_bert_uncased()
    {
        Assert.That(_tokenizer.ClassificationTokenId, Is.EqualTo(101));
        Assert.That(_tokenizer.SeparatorTokenId, Is.EqualTo(102));
    }

    [Test]
    public void Text_that_fits_exactly_is_not_cut() =>
        Assert.That(_tokenizer.Encode("a pair of trousers", maxTokens: 6, truncate: false),
            Is.EqualTo(new[] { 101, 1037, 3940, 1997, 15292, 102 }));

    [Test]
    public void Truncation_keeps_the_first_tokens_and_ends_with_sep() =>
        Assert.That(_tokenizer.Encode("a pair of trousers", maxTokens: 5, truncate: true),
            Is.EqualTo(new[] { 101, 1037, 3940, 1997, 102 }));

    [Test]
    public void Truncation_to_two_tokens_leaves_cls_sep() =>
        Assert.That(_tokenizer.Encode("a pair of trousers", maxTokens: 2, truncate: true),
            Is.EqualTo(new[] { 101, 102 }));

    [Test]
    public void Too_long_text_without_truncation_throws_with_counts()
    {
        var error = Assert.Throws<PromptTooLongException>(() => _tokenizer.Encode("a pair of trousers", maxTokens: 5, truncate: false))!;
        Assert.That(error.TokenCount, Is.EqualTo(6));
        Assert.That(error.MaxTokens, Is.EqualTo(5));
        Assert.That(error.Message, Does.Contain("6 tokens").And.Contain("limit is 5"));
        Assert.That(error, Is.InstanceOf<ArgumentException>());
    }

    [Test]
    public void Fewer_than_two_tokens_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.Encode("a", maxTokens: 1, truncate: true));
}
