using System.Text.Json.Nodes;
using Jano.Core.IO;
using Jano.Export;
using Jano.Export.Checkpoints;
using Jano.Export.Encoders.T5;
using Jano.Export.Onnx;

namespace Jano.Tests.Export.T5;

/// <summary>What the T5 exporter writes, what it finds, and what it refuses (each message names the file and field or key).</summary>
public sealed class T5ExporterTests
{
    [Test]
    public void APipelineRootGivesTheGraphTheTokenizerAndTheirManifestEntry()
    {
        using var model = new TinyT5();
        var component = T5Exporter.Export(model.Root, model.Package, new T5ExportOptions { MaxTokens = 120, Name = "tiny-t5" });
        Assert.That(component.Kind, Is.EqualTo("t5"));
        Assert.That(component.Name, Is.EqualTo("tiny-t5"));
        Assert.That(component.HiddenSize, Is.EqualTo(32));
        Assert.That(component.MaxTokens, Is.EqualTo(120));
        Assert.That(component.Outputs, Is.EqualTo(new[] { "states" }));
        Assert.That(component.Graph, Is.EqualTo("text_encoder.onnx"));
        Assert.That(component.Tokenizer, Is.EqualTo(new[] { "text_encoder.spiece.model" }));
        Assert.That(File.Exists(Path.Combine(model.Package, component.Graph!)));
        Assert.That(File.ReadAllBytes(Path.Combine(model.Package, component.Tokenizer![0])), Is.EqualTo(File.ReadAllBytes(T5Golden.SentencePieceModel)));
    }

    [Test]
    public void TheEncoderFolderAloneWorksWithItsOwnSpieceModel()
    {
        using var model = new TinyT5();
        File.Move(Path.Combine(model.Root, "tokenizer", "spiece.model"), Path.Combine(model.EncoderFolder, "spiece.model"));
        var component = T5Exporter.Export(model.EncoderFolder, model.Package);
        Assert.That(component.Name, Is.EqualTo("text_encoder"));
        Assert.That(File.Exists(Path.Combine(model.Package, component.Tokenizer![0])));
    }

    [Test]
    public void TokenizerJsonAloneIsNamedAsNotYetSupported()
    {
        using var model = new TinyT5();
        var tokenizer = Path.Combine(model.Root, "tokenizer");
        File.Delete(Path.Combine(tokenizer, "spiece.model"));
        File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"), "{}");
        var e = Assert.Throws<ExportException>(() => T5Exporter.Export(model.Root, model.Package))!;
        Assert.That(e.Message, Does.Contain("tokenizer.json").And.Contain("spiece.model"));
    }

    [Test]
    public void AMissingTokenizerListsWhereItWasLookedFor()
    {
        using var model = new TinyT5();
        File.Delete(Path.Combine(model.Root, "tokenizer", "spiece.model"));
        var e = Assert.Throws<ExportException>(() => T5Exporter.Export(model.Root, model.Package))!;
        Assert.That(e.Message, Does.Contain(Path.Combine("tokenizer", "spiece.model")));
    }

    [Test]
    public void MoreLayersInTheWeightsThanInTheConfigIsAMismatch()
    {
        using var model = new TinyT5(T5RandomCheckpoint.ConfigJson(layers: 3));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model.EncoderFolder, "config.json")))!.AsObject();
        config["num_layers"] = 2;
        File.WriteAllText(Path.Combine(model.EncoderFolder, "config.json"), config.ToJsonString());
        var e = Assert.Throws<ExportException>(() => T5Exporter.Export(model.Root, model.Package))!;
        Assert.That(e.Message, Does.Contain("model.safetensors").And.Contain("encoder.block.2.").And.Contain("config.json"));
    }

    [Test]
    public void AWrongShapeNamesTheKey()
    {
        using var model = new TinyT5();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(model.EncoderFolder, "config.json")))!.AsObject();
        config["d_ff"] = 48;
        File.WriteAllText(Path.Combine(model.EncoderFolder, "config.json"), config.ToJsonString());
        var e = Assert.Throws<CheckpointException>(() => T5Exporter.Export(model.Root, model.Package))!;
        Assert.That(e.Message, Does.Contain("encoder.block.0.layer.1.DenseReluDense.wi_0.weight").And.Contain("[64, 32]"));
    }

    [Test]
    public void TheEmbeddingIsReadUnderEitherOfItsTiedNames()
    {
        using var model = new TinyT5();
        var path = Path.Combine(model.EncoderFolder, T5RandomCheckpoint.WeightsFile);
        var tensors = new List<SafetensorsTensor>();
        using (var file = SafetensorsFile.Open(path))
            foreach (var (key, entry) in file.Entries)
            {
                var data = file.ReadAsFloat32(key);
                var name = key == T5Weights.SharedEmbedding ? T5Weights.EncoderEmbedding : key;
                tensors.Add(SafetensorsTensor.FromFloat32(name, entry.Shape, data));
                if (key == T5Weights.SharedEmbedding) tensors.Add(SafetensorsTensor.FromFloat32(key, entry.Shape, data)); // both names
            }
        SafetensorsWriter.Write(path, tensors);
        var graph = model.Export();
        long[] ids = [5, 9, 1], mask = [1, 1, 1];
        Assert.That(TestData.MaxAbsDiff(TinyT5.Run(graph, ids, mask, 1), model.Reference.Forward(ids, mask)), Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void ExternalDataLoadsAndComputesTheSame()
    {
        using var model = new TinyT5();
        var config = model.Config;
        using var weights = CheckpointWeights.Open(model.EncoderFolder);
        var proto = new T5EncoderGraph(config, new T5Weights(config, (k, s) => weights.GetFloat32(k, s))).Build();
        Directory.CreateDirectory(model.Package);
        var path = Path.Combine(model.Package, "external.onnx");
        var written = OnnxModelWriter.Save(proto, path, externalThreshold: 0);
        Assert.That(written, Is.EqualTo(new[] { path, path + ".data" }));
        long[] ids = [7, 3, 44, 1, 0], mask = [1, 1, 1, 1, 0];
        Assert.That(TestData.MaxAbsDiff(TinyT5.Run(path, ids, mask, 1), model.Reference.Forward(ids, mask)), Is.LessThanOrEqualTo(1e-4));
    }

    [TestCase("model_type", "bert", "model_type")]
    [TestCase("feed_forward_proj", "gated-fancy", "feed_forward_proj")]
    [TestCase("feed_forward_proj", "ungated-gelu", "feed_forward_proj")]
    [TestCase("dense_act_fn", "relu", "dense_act_fn")]
    [TestCase("is_gated_act", false, "is_gated_act")]
    [TestCase("relative_attention_num_buckets", 31, "relative_attention_num_buckets")]
    [TestCase("relative_attention_max_distance", 8, "relative_attention_max_distance")]
    [TestCase("is_decoder", true, "is_decoder")]
    [TestCase("d_model", 0, "d_model")]
    public void ConfigFieldsItDoesNotImplementAreRefusedByName(string field, object value, string named)
    {
        var json = T5RandomCheckpoint.ConfigJson();
        json[field] = JsonValue.Create(value);
        var e = Assert.Throws<ExportException>(() => T5Config.Parse(json, "text_encoder/config.json"))!;
        Assert.That(e.Message, Does.StartWith("text_encoder/config.json: field '" + named + "'"));
    }

    [Test]
    public void AnotherArchitectureIsRefusedAndAnEncoderDecoderKeepsOnlyItsEncoder()
    {
        var json = T5RandomCheckpoint.ConfigJson();
        json["architectures"] = new JsonArray("BertModel");
        Assert.That(() => T5Config.Parse(json, "config.json"), Throws.TypeOf<ExportException>().With.Message.Contains("'architectures'"));
        json["architectures"] = new JsonArray("T5ForConditionalGeneration");
        Assert.That(T5Config.Parse(json, "config.json").HasDecoderWeights);
    }

    [Test]
    public void FeedForwardSpellingsFollowTransformers()
    {
        T5Config Parse(string ff)
        {
            var json = T5RandomCheckpoint.ConfigJson(feedForward: ff);
            json.Remove("dense_act_fn");
            json.Remove("is_gated_act");
            return T5Config.Parse(json, "config.json");
        }
        Assert.That((Parse("gated-gelu").Activation, Parse("gated-gelu").IsGated), Is.EqualTo((T5Activation.GeluTanh, true)));
        Assert.That((Parse("gelu").Activation, Parse("gelu").IsGated), Is.EqualTo((T5Activation.Gelu, false)));
        Assert.That((Parse("relu").Activation, Parse("relu").IsGated), Is.EqualTo((T5Activation.Relu, false)));
        Assert.That((Parse("gated-silu").Activation, Parse("gated-silu").IsGated), Is.EqualTo((T5Activation.Silu, true)));
    }

    [Test]
    public void PixArtAlphasEncoderShapeParses()
    {
        var config = T5Config.Parse(T5RandomCheckpoint.PixArtAlphaConfigJson(), "config.json");
        Assert.That((config.DModel, config.InnerDim, config.DFf, config.NumLayers, config.VocabSize, config.BiasInEveryLayer), Is.EqualTo((4096, 4096, 10240, 24, 32128, false)));
    }
}
