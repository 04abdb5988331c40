using System.Text.Json;
using Jano.Runtime.Conditioning;
using Jano.Runtime.Text;
using Jano.Tests.Export.T5;

namespace Jano.Tests.Runtime.Conditioning;

/// <summary>
/// The C# T5 tokenizer against sentencepiece itself: Jano.Tests/Fixtures/golden/t5-tokenizer holds a
/// unigram model trained with T5's settings (pad 0, eos 1, unk 2, no bos, nmt_nfkc) and the ids
/// sentencepiece gives for each prompt (tools/golden/t5_tokenizer.py records its version). Ids must be
/// equal exactly, raw and framed as transformers' T5Tokenizer frames them.
/// </summary>
public sealed class T5TokenizerTests
{
    private sealed record Case(string Text, int[] Ids, long[] InputIds, long[] AttentionMask);

    private static readonly Lazy<(int MaxLength, Case[] Cases)> Golden = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(T5Golden.Ids));
        var root = doc.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            c.GetProperty("attention_mask").EnumerateArray().Select(e => e.GetInt64()).ToArray())).ToArray();
        return (root.GetProperty("max_length").GetInt32(), cases);
    });

    private static readonly T5Tokenizer Tokenizer = T5Tokenizer.Load(T5Golden.SentencePieceModel);

    public static IEnumerable<TestCaseData> Cases() =>
        Golden.Value.Cases.Select((c, i) => new TestCaseData(i).SetName($"Golden{i:D2}_{new string(c.Text.Take(24).Select(ch => char.IsLetterOrDigit(ch) ? ch : '_').ToArray())}"));

    [TestCaseSource(nameof(Cases))]
    public void PiecesEqualSentencepieces(int index)
    {
        var c = Golden.Value.Cases[index];
        Assert.That(Tokenizer.Pieces(c.Text), Is.EqualTo(c.Ids), $"'{c.Text}'");
    }

    [TestCaseSource(nameof(Cases))]
    public void FramedIdsAndMaskEqualT5Tokenizers(int index)
    {
        var c = Golden.Value.Cases[index];
        var tokens = Tokenizer.Encode(c.Text, Golden.Value.MaxLength);
        Assert.That(tokens.Ids, Is.EqualTo(c.InputIds), $"'{c.Text}' input_ids");
        Assert.That(tokens.Mask, Is.EqualTo(c.AttentionMask), $"'{c.Text}' attention_mask");
        Assert.That(tokens.RealTokens, Is.EqualTo(c.AttentionMask.Count(m => m == 1)));
    }

    [Test]
    public void TheFixtureCoversTruncationAndTheEmptyPrompt()
    {
        var (max, cases) = Golden.Value;
        Assert.That(cases.Any(c => c.Ids.Length >= max), "a prompt longer than max_length");
        Assert.That(cases.Single(c => c.Text.Length == 0).InputIds[0], Is.EqualTo(T5Tokenizer.EosId), "empty prompt is </s> alone");
        Assert.That(cases.Any(c => c.Ids.Contains(2)), "a prompt with unknown characters");
    }

    [Test]
    public void UnpaddedFramingKeepsOnlyRealTokens()
    {
        var tokens = Tokenizer.Encode("a photo of a cat", 24, pad: false);
        Assert.That(tokens.Ids[^1], Is.EqualTo(T5Tokenizer.EosId));
        Assert.That(tokens.Ids, Has.Length.EqualTo(tokens.RealTokens));
        Assert.That(tokens.Mask, Is.All.EqualTo(1L));
    }

    [Test]
    public void TruncationOffRefusesALongPrompt()
    {
        var text = Golden.Value.Cases.First(c => c.Ids.Length >= Golden.Value.MaxLength).Text;
        var e = Assert.Throws<PromptTooLongException>(() => Tokenizer.Encode(text, Golden.Value.MaxLength, truncate: false))!;
        Assert.That(e.Message, Does.Contain("</s>"));
        Assert.That(e.MaxTokens, Is.EqualTo(Golden.Value.MaxLength));
    }

    [Test]
    public void AModelWithoutT5sIdsIsRefusedByName()
    {
        using var folder = new TempFolder();
        var path = folder.File("spiece.model");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => T5Tokenizer.Load(path))!;
        Assert.That(e.Message, Does.Contain(path));
    }
}
