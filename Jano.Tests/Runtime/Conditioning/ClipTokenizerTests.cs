using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Runtime.Conditioning;
using Jano.Runtime.Text;
using Jano.Tests.Golden;

namespace Jano.Tests.Runtime.Conditioning;

/// <summary>
/// The CLIP tokenizer against openai/CLIP's simple_tokenizer.py (tools/golden/gen_clip_tokenizer.py): every
/// prompt of Fixtures/golden/clip-tokenizer/ids.json (capitals, accents, punctuation, digits, white space of
/// several kinds, emoji, contractions, special-token strings, Cyrillic, Greek, CJK, letters outside the BMP,
/// the empty prompt, one of more than 77 tokens) on the reduced vocabulary beside it, whose ids are the
/// full vocabulary's; and on the full converted vocabulary when tools/golden/.upstream/openai-clip-hf exists.
/// </summary>
[TestFixture]
public sealed class ClipTokenizerTests
{
    private const string Folder = "clip-tokenizer";

    public sealed record Case(string Prompt, int[] Tokens, int[] InputIds)
    {
        public override string ToString() => Prompt.Length > 30 ? Prompt[..30] + "…" : Prompt;
    }

    private static IEnumerable<Case> ReadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(GoldenFixtures.PathOf(Folder + "/ids.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToList();
    }

    private static IEnumerable<TestCaseData> Cases() =>
        ReadCases().Select(c => new TestCaseData(c).SetArgDisplayNames(JsonSerializer.Serialize(c.ToString())));

    private static ClipTokenizer Fixture(ClipTokenizerConfig? config = null)
    {
        var folder = GoldenFixtures.PathOf(Folder);
        return config is null
            ? ClipTokenizer.FromFiles(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"), Path.Combine(folder, "tokenizer_config.json"))
            : ClipTokenizer.Create(JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(folder, "vocab.json")))!,
                File.ReadLines(Path.Combine(folder, "merges.txt")).Skip(1).ToList(), config);
    }

    private static readonly ClipTokenizer Tokenizer = Fixture();

    [TestCaseSource(nameof(Cases))]
    public void IdsAreOpenAisOnTheReducedVocabulary(Case c)
    {
        Assert.That(Tokenizer.EncodeWords(c.Prompt), Is.EqualTo(c.Tokens), "BPE ids");
        var framed = Tokenizer.Encode(c.Prompt);
        Assert.That(framed.Ids.Take(framed.Length), Is.EqualTo(c.InputIds.Select(i => (long)i)), "BOS, ids, EOS");
        Assert.That(framed.Ids.Skip(framed.Length), Is.All.EqualTo(49407L), "padded with pad_token <|endoftext|>");
        Assert.That(framed.Truncated, Is.EqualTo(c.Tokens.Length > 75));
    }

    [Test]
    public void TheFullVocabularyGivesTheSameIds()
    {
        var folder = FullVocabulary();
        if (folder is null) Assert.Ignore("tools/golden/.upstream/openai-clip-hf not present (tools/golden/gen_clip_tokenizer.py writes it)");
        var full = ClipTokenizer.FromFiles(Path.Combine(folder!, "vocab.json"), Path.Combine(folder!, "merges.txt"));
        foreach (var c in ReadCases())
            Assert.That(full.EncodeWords(c.Prompt), Is.EqualTo(c.Tokens), c.Prompt);
    }

    [Test]
    public void PaddingWithExclamationMarkIsOpenAisClipTokenize()
    {
        // SD3's tokenizer_2 (CLIP-G) pads with "!", id 0: what openai's clip.tokenize pads with.
        var bang = Fixture(new ClipTokenizerConfig { PadToken = "!" });
        Assert.That(bang.PadId, Is.Zero);
        foreach (var c in ReadCases())
        {
            var tokens = bang.Encode(c.Prompt);
            Assert.That(tokens.Ids, Is.EqualTo(c.InputIds.Select(i => (long)i).Concat(Enumerable.Repeat(0L, 77 - c.InputIds.Length))), c.Prompt);
        }
    }

    [Test]
    public void TheEmptyPromptIsBosEos()
    {
        var tokens = Tokenizer.Encode("");
        Assert.That((tokens.Length, tokens.Ids[0], tokens.Ids[1], tokens.Ids[2]), Is.EqualTo((2, 49406L, 49407L, 49407L)));
        Assert.That(tokens.AttentionMask(), Is.EqualTo(new long[] { 1, 1 }.Concat(Enumerable.Repeat(0L, 75))));
    }

    [Test]
    public void TruncationKeepsTheEndToken()
    {
        var longest = ReadCases().Single(c => c.Tokens.Length > 75);
        var tokens = Tokenizer.Encode(longest.Prompt);
        Assert.That((tokens.Length, tokens.Truncated, tokens.Ids[76]), Is.EqualTo((77, true, 49407L)));
        Assert.That(tokens.Ids.Skip(1).Take(75), Is.EqualTo(longest.Tokens.Take(75).Select(i => (long)i)));
        var e = Assert.Throws<PromptTooLongException>(() => Tokenizer.Encode(longest.Prompt, truncate: false))!;
        Assert.That(e.Message, Does.Contain("77"));
    }

    [TestCase("  A\tPhoto \n\n OF  ", "a photo of")]
    [TestCase("\u001c x \u001f", "x")]
    [TestCase("a\u001cb", "a\u001cb")]
    [TestCase("ÉCOLE Ελλάδα", "école ελλάδα")]
    [TestCase("", "")]
    public void NormalizationCleansWhiteSpaceAndLowerCases(string text, string expected) =>
        Assert.That(ClipTokenizer.Normalize(text), Is.EqualTo(expected));

    [Test]
    public void ALoneSurrogateBecomesTheReplacementCharacter() =>
        Assert.That(ClipTokenizer.Normalize("a\ud800b"), Is.EqualTo("a\ufffdb"));

    [Test]
    public void TheTokenizerConfigReadsAddedTokenObjectsAndHugeMaxLengths()
    {
        var json = new JsonObject
        {
            ["tokenizer_class"] = "CLIPTokenizer",
            ["bos_token"] = new JsonObject { ["__type"] = "AddedToken", ["content"] = "<|startoftext|>", ["lstrip"] = false },
            ["pad_token"] = "!",
            ["model_max_length"] = 1e30,
            ["added_tokens_decoder"] = new JsonObject { ["49406"] = new JsonObject { ["content"] = "<|startoftext|>", ["special"] = true } },
        };
        var config = ClipTokenizerConfig.Parse(json, "tokenizer_config.json");
        Assert.That((config.BosToken, config.EosToken, config.PadToken, config.MaxLength), Is.EqualTo(("<|startoftext|>", "<|endoftext|>", "!", 77)));
    }

    [TestCase("tokenizer_class", "\"T5Tokenizer\"", "only CLIPTokenizer and CLIPTokenizerFast")]
    [TestCase("pad_token", "3", "must be a string or an object")]
    [TestCase("model_max_length", "1", "at least 2")]
    [TestCase("added_tokens_decoder", "{\"49408\": {\"content\": \"<cat-toy>\"}}", "only the special tokens")]
    public void TheTokenizerConfigNamesTheFieldItRejects(string field, string value, string message)
    {
        var json = new JsonObject { [field] = JsonNode.Parse(value) };
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizerConfig.Parse(json, "tok/tokenizer_config.json"))!;
        Assert.That(e.Message, Does.StartWith($"tok/tokenizer_config.json: field '{field}'").And.Contain(message));
    }

    [Test]
    public void AMissingPadTokenIsNamed()
    {
        var e = Assert.Throws<InvalidDataException>(() => Fixture(new ClipTokenizerConfig { PadToken = "<pad>" }))!;
        Assert.That(e.Message, Does.Contain("pad_token '<pad>' is not in the vocabulary"));
    }

    /// <summary>tools/golden/.upstream/openai-clip-hf above the test assembly, if a golden run left it there.</summary>
    private static string? FullVocabulary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "golden", ".upstream", "openai-clip-hf");
            if (File.Exists(Path.Combine(candidate, "vocab.json"))) return candidate;
        }
        return null;
    }
}
