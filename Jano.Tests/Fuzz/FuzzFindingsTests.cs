using System.Text;
using Jano.Fuzz;

namespace Jano.Tests.Fuzz;

/// <summary>
/// The classes of crash the fuzz harnesses found, each kept as a regression test on a hand-made
/// input (a corpus seed with one edit): every one must now be refused with a single line that names
/// the file and says what is wrong. Before the fix each threw from inside System.Text.Json
/// (ArgumentException, InvalidOperationException) or spread its message over several lines.
/// </summary>
[TestFixture]
public sealed class FuzzFindingsTests
{
    private static string Seed(string target, string file) => Encoding.UTF8.GetString(Corpus.Load(target).Single(s => s.Name == file).Bytes);

    private static string Refusal(string target, byte[] input)
    {
        using var scratch = new Scratch();
        var outcome = Refusals.Run(FuzzTargets.Find(target)!, input, scratch);
        Assert.That(outcome.Crash, Is.Null, $"crashed: {outcome.Crash}");
        Assert.That(outcome.Refusal, Is.Not.Null, "the input was accepted");
        var message = outcome.Refusal!.Message;
        TestContext.Out.WriteLine(message);
        Assert.That(message, Does.Not.Contain('\n'));
        return message;
    }

    private static string Refusal(string target, string input) => Refusal(target, Encoding.UTF8.GetBytes(input));

    [TestCase("config-sd3", "base.json", "\"num_layers\"")]
    [TestCase("config-pixart", "base.json", "\"attention_head_dim\"")]
    [TestCase("config-t5", "t5_v11.json", "\"num_heads\"")]
    [TestCase("clip-tokenizer-config", "tokenizer_config.json", "\"bos_token\"")]
    [TestCase("config-scheduler", "flowmatch.json", "\"shift\"")]
    public void AKeyGivenTwiceIsRefusedNamingIt(string target, string seed, string key)
    {
        var text = Seed(target, seed);
        var at = text.IndexOf(key + ":", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0));
        var line = text[at..text.IndexOf('\n', at)].TrimEnd(',');
        var twice = text.Insert(text.IndexOf('{') + 1, $"\n  {line},");
        var message = Refusal(target, twice);
        // System.Text.Json shortens long names ('attention_head_...').
        Assert.That(message, Does.Contain(key.Trim('"')[..Math.Min(12, key.Length - 2)]).And.Contain("Duplicate").And.Contain("invalid JSON"));
    }

    [TestCase("config-vae", "sd_like.json", "\"scaling_factor\"", "\"scaling_fact\\ud800or\"")]
    [TestCase("config-clip", "l_like.json", "\"quick_gelu\"", "\"quick\\udc00gelu\"")]
    public void TextThatIsNotUnicodeIsRefused(string target, string seed, string from, string to)
    {
        var message = Refusal(target, Seed(target, seed).Replace(from, to));
        Assert.That(message, Does.Contain("not valid Unicode"));
    }

    [Test]
    public void ASyntaxErrorNextToALineBreakStaysOnOneLine()
    {
        // System.Text.Json quotes the bad token, line break included: "'n\n  ass_name' is invalid".
        var message = Refusal("config-sd3", Seed("config-sd3", "base.json").Replace("\"_cl", "n\n  "));
        Assert.That(message, Does.Contain("config.json: invalid JSON"));
    }

    [Test]
    public void InvalidUtf8InASafetensorsHeaderNamesTheFile()
    {
        var bytes = Corpus.Load("safetensors").Single(s => s.Name == "f32.safetensors").Bytes.ToArray();
        var dtype = Encoding.ASCII.GetBytes("\"F32\"");
        var at = bytes.AsSpan().IndexOf(dtype);
        bytes[at + 2] = 0xff; // "F\xff2": not UTF-8
        var message = Refusal("safetensors", bytes);
        Assert.That(message, Does.Contain("input.safetensors").And.Contain("not valid Unicode"));
    }

    [Test]
    public void AManifestFileEntryWithANullPathIsRefusedAtItsField()
    {
        var text = Seed("manifest", "pixart-sigma.json");
        var message = Refusal("manifest", text.Replace("\"path\": \"attention.onnx\"", "\"path\": null"));
        Assert.That(message, Does.EndWith("jano-model.json: field 'files[0].path' is null; it must have a value"));
    }

    [Test]
    public void AManifestValueOfTheWrongTypeIsRefusedAtItsPath()
    {
        var text = Seed("manifest", "pixart-sigma.json");
        var message = Refusal("manifest", text.Replace("\"patchSize\": 2", "\"patchSize\": \"two\""));
        Assert.That(message, Does.EndWith("jano-model.json: field 'components.transformer.geometry.patchSize' has the wrong type (expected an integer)"));
    }

    /// <summary>Found by the AFL++ run (manifest, after 986,004 executions): a refusal that quotes the user's value kept its line break.</summary>
    [TestCase("\"format\": \"jano-model\"", "\"format\": \"jano\\nmodel\"", "field 'format' is 'jano\\nmodel'")]
    [TestCase("\"family\": \"pixart\"", "\"family\": \"pix\\r\\nart\\u0007\"", "is 'pix\\r\\nart\\u0007'")]
    public void ARefusalQuotingAValueWithLineBreaksStaysOnOneLine(string from, string to, string expected)
    {
        var message = Refusal("manifest", Seed("manifest", "pixart-sigma.json").Replace(from, to));
        Assert.That(message, Does.Contain(expected));
    }

    [Test]
    public void AManifestListingAFileTwiceIsRefused()
    {
        var text = Seed("manifest", "pixart-sigma.json");
        var start = text.IndexOf("\"files\": [", StringComparison.Ordinal) + "\"files\": [".Length;
        var end = text.IndexOf('}', start) + 1;
        var message = Refusal("manifest", text.Insert(start, text[start..end] + ","));
        Assert.That(message, Does.Contain("'attention.onnx' twice"));
    }

    [Test]
    public void AManifestNullWhereTheSchemaHasNoneIsRefusedAtItsPath()
    {
        var text = Seed("manifest", "pixart-sigma.json");
        var message = Refusal("manifest", text.Replace("\"family\": \"pixart\"", "\"family\": null"));
        Assert.That(message, Does.EndWith("jano-model.json: field 'components.transformer.family' is null; it must have a value"));
    }

    /// <summary>
    /// Found by the AFL++ run of 2026-12-02 (t5-model, after 1,994 executions): a spiece.model whose
    /// normalizer table is corrupt loads, then Microsoft.ML.Tokenizers indexes outside that table while
    /// encoding (IndexOutOfRangeException). Now the file is named as damaged, at load (a probe) or at use.
    /// </summary>
    [Test]
    public void ASentencePieceModelWithACorruptNormalizerIsRefusedAsDamaged()
    {
        var bytes = File.ReadAllBytes(Golden.GoldenFixtures.PathOf("../fuzz/t5-model-corrupt-normalizer.model"));
        Assert.That(Refusal("t5-model", bytes), Does.Contain("spiece.model: the SentencePiece model is damaged"));
    }

    /// <summary>
    /// Found by the AFL++ run of 2026-12-02 (config-t5): a number among "architectures" escaped as
    /// InvalidOperationException from System.Text.Json; now the field is named.
    /// </summary>
    [Test]
    public void AT5ConfigWithANumberAmongItsArchitecturesIsRefusedNamingTheField()
    {
        var text = Seed("config-t5", "t5_v11.json").Replace("\"T5EncoderModel\"", "1, \"T5EncoderModel\"");
        Assert.That(Refusal("config-t5", text), Does.Contain("'architectures'").And.Contain("item 0 is 1"));
    }
}
