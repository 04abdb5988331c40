using Jano.Export.Checkpoints;
using Jano.Core.IO;
using Jano.Tests.Core.IO;

namespace Jano.Tests.Export.Checkpoints;

public class CheckpointWeightsTests : TempFolderTests
{
    [Test]
    public void SingleFileGivesTensorsAndTracksUnusedKeys()
    {
        WriteShard("diffusion_pytorch_model.safetensors",
            SafetensorsTensor.FromFloat32As("proj.weight", [2, 2], [1f, 2f, 3f, 4f], SafetensorsDType.BF16),
            SafetensorsTensor.FromFloat32("proj.bias", [2], [5f, 6f]),
            SafetensorsTensor.FromFloat32("extra.weight", [1], [0f]));

        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);
        Assert.Multiple(() =>
        {
            Assert.That(weights.SourcePath, Is.EqualTo(Folder.File("diffusion_pytorch_model.safetensors")));
            Assert.That(weights.Keys, Is.EquivalentTo(new[] { "proj.weight", "proj.bias", "extra.weight" }));
            Assert.That(weights.Contains("proj.bias"), Is.True);
            Assert.That(weights.Contains("proj.nope"), Is.False);
            Assert.That(weights.GetShape("proj.weight"), Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(weights.UnusedKeys(), Has.Count.EqualTo(3), "GetShape does not use a key");
            Assert.That(weights.GetFloat32("proj.weight", 2, 2), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
            Assert.That(weights.GetFloat32("proj.bias", 2), Is.EqualTo(new[] { 5f, 6f }));
            Assert.That(weights.UnusedKeys(), Is.EqualTo(new[] { "extra.weight" }));
        });
    }

    [Test]
    public void MissingKeyNamesCheckpointFileAndKey()
    {
        WriteShard("diffusion_pytorch_model.safetensors", SafetensorsTensor.FromFloat32("w", [1], [1f]));
        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);

        var error = Assert.Throws<CheckpointException>(() => weights.GetFloat32("transformer_blocks.3.attn1.to_q.weight", 128, 128));
        Assert.That(error!.Message, Is.EqualTo(
            $"checkpoint {Folder.File("diffusion_pytorch_model.safetensors")} has no tensor 'transformer_blocks.3.attn1.to_q.weight'"));
        Assert.Throws<CheckpointException>(() => weights.GetShape("transformer_blocks.3.attn1.to_q.weight"));
    }

    [Test]
    public void WrongShapeNamesBothShapesAndDoesNotCountAsUse()
    {
        WriteShard("diffusion_pytorch_model.safetensors", SafetensorsTensor.FromFloat32("x", [4, 2], new float[8]));
        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);

        var error = Assert.Throws<CheckpointException>(() => weights.GetFloat32("x", 4, 4));
        Assert.That(error!.Message, Is.EqualTo(
            $"checkpoint {Folder.File("diffusion_pytorch_model.safetensors")}: tensor 'x' has shape [4, 2], expected [4, 4]"));
        Assert.That(error, Is.InstanceOf<IOException>());
        Assert.Throws<CheckpointException>(() => weights.GetFloat32("x"), "no dims means a scalar");
        Assert.That(weights.UnusedKeys(), Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void NonFloatTensorIsRejected()
    {
        WriteShard("diffusion_pytorch_model.safetensors", new SafetensorsTensor("ids", SafetensorsDType.I8, [2], new byte[] { 1, 2 }));
        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);
        var error = Assert.Throws<CheckpointException>(() => weights.GetFloat32("ids", 2));
        Assert.That(error!.Message, Does.Contain("'ids'").And.Contain("I8"));
    }

    [Test]
    public void FallsBackToModelSafetensors()
    {
        WriteShard("model.safetensors", SafetensorsTensor.FromFloat32("w", [1], [2f]));
        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);
        Assert.That(weights.SourcePath, Does.EndWith("model.safetensors"));
        Assert.That(weights.GetFloat32("w", 1), Is.EqualTo(new[] { 2f }));
    }

    [Test]
    public void ShardedIndexLooksUpEachKeyInItsShard()
    {
        WriteShard("diffusion_pytorch_model-00001-of-00002.safetensors",
            SafetensorsTensor.FromFloat32("a.weight", [2], [1f, 2f]));
        WriteShard("diffusion_pytorch_model-00002-of-00002.safetensors",
            SafetensorsTensor.FromFloat32As("b.weight", [1, 3], [3f, 4f, 5f], SafetensorsDType.F16));
        WriteIndex("diffusion_pytorch_model.safetensors.index.json",
            ("a.weight", "diffusion_pytorch_model-00001-of-00002.safetensors"),
            ("b.weight", "diffusion_pytorch_model-00002-of-00002.safetensors"));

        using CheckpointWeights weights = CheckpointWeights.Open(Folder.Path);
        Assert.Multiple(() =>
        {
            Assert.That(weights.SourcePath, Does.EndWith("diffusion_pytorch_model.safetensors.index.json"));
            Assert.That(weights.Keys, Is.EqualTo(new[] { "a.weight", "b.weight" }));
            Assert.That(weights.GetFloat32("b.weight", 1, 3), Is.EqualTo(new[] { 3f, 4f, 5f }));
            Assert.That(weights.GetFloat32("a.weight", 2), Is.EqualTo(new[] { 1f, 2f }));
            Assert.That(weights.UnusedKeys(), Is.Empty);
        });

        var error = Assert.Throws<CheckpointException>(() => weights.GetFloat32("c.weight", 1));
        Assert.That(error!.Message, Does.Contain("diffusion_pytorch_model.safetensors.index.json has no tensor 'c.weight'"));
    }

    [Test]
    public void IndexNamingAMissingShardIsAnError()
    {
        WriteIndex("diffusion_pytorch_model.safetensors.index.json", ("a", "gone.safetensors"));
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain("gone.safetensors").And.Contain("index.json"));
    }

    [Test]
    public void IndexMappingAKeyToTheWrongShardIsAnError()
    {
        WriteShard("s1.safetensors", SafetensorsTensor.FromFloat32("a", [1], [1f]));
        WriteShard("s2.safetensors", SafetensorsTensor.FromFloat32("b", [1], [1f]));
        WriteIndex("diffusion_pytorch_model.safetensors.index.json", ("a", "s2.safetensors"), ("b", "s1.safetensors"));
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain("'a'").And.Contain("s2.safetensors"));
    }

    [Test]
    public void IndexShardOutsideTheFolderIsRejected()
    {
        WriteIndex("diffusion_pytorch_model.safetensors.index.json", ("a", "../elsewhere.safetensors"));
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain("'a'").And.Contain("../elsewhere.safetensors"));
    }

    [Test]
    public void IndexWithoutWeightMapIsRejected()
    {
        File.WriteAllText(Folder.File("diffusion_pytorch_model.safetensors.index.json"), "{\"metadata\":{}}");
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain("weight_map"));
    }

    [Test]
    public void FolderWithoutWeightsNamesTheFolderAndPointsAtPickles()
    {
        File.WriteAllText(Folder.File("config.json"), "{}");
        File.WriteAllText(Folder.File("diffusion_pytorch_model.bin"), "");
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain($"checkpoint folder {Folder.Path} has no weights")
            .And.Contain("diffusion_pytorch_model.bin"));
    }

    [Test]
    public void MissingFolderIsNamed()
    {
        string missing = Folder.File("nowhere");
        var error = Assert.Throws<CheckpointException>(() => CheckpointWeights.Open(missing));
        Assert.That(error!.Message, Does.Contain(missing));
    }

    [Test]
    public void MalformedWeightsFileSurfacesTheFormatError()
    {
        File.WriteAllBytes(Folder.File("diffusion_pytorch_model.safetensors"), new byte[3]);
        var error = Assert.Throws<SafetensorsFormatException>(() => CheckpointWeights.Open(Folder.Path));
        Assert.That(error!.Message, Does.Contain("diffusion_pytorch_model.safetensors"));
    }

    private void WriteShard(string name, params SafetensorsTensor[] tensors) => SafetensorsWriter.Write(Folder.File(name), tensors);

    private void WriteIndex(string name, params (string Key, string Shard)[] map)
    {
        string entries = string.Join(",", map.Select(m => $"\"{m.Key}\":\"{m.Shard}\""));
        File.WriteAllText(Folder.File(name), $"{{\"metadata\":{{\"total_size\":0}},\"weight_map\":{{{entries}}}}}");
    }
}
