using Jano.Export.Onnx;
using Jano.Export.Onnx.Proto;
using Jano.Runtime;
using Jano.Core.Packages;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Export;

/// <summary>
/// `jano export --dtype fp16`: what the package promises (half weights, float32 statistics, softmax and
/// interface) read from the graphs themselves, and the float16 pipeline against the float32 one built
/// from the same checkpoint (the numerical agreement of each graph with the reference is in
/// <see cref="PixArtStageGraphTests"/>, whose body runs once per dtype).
/// </summary>
[TestFixture]
public sealed class Float16PackageTests
{
    private TinyPixArt _half = null!;
    private TinyPixArt _single = null!;

    [OneTimeSetUp]
    public void Export()
    {
        // Same seed: the same checkpoint, exported twice.
        _half = new TinyPixArt(layers: 2, heads: 2, headDim: 16, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 21);
        _single = new TinyPixArt(layers: 2, heads: 2, headDim: 16, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 21);
        _half.Export("float16");
        _single.Export("float32");
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _half.Dispose();
        _single.Dispose();
    }

    private IEnumerable<(string File, GraphProto Graph)> Graphs() =>
        Directory.EnumerateFiles(_half.Package, "*.onnx").Order()
            .Select(f => (Path.GetFileName(f), ModelProto.Parser.ParseFrom(File.ReadAllBytes(f)).Graph));

    [Test]
    public void ManifestRecordsTheDtype() =>
        Assert.That(ModelPackage.Open(_half.Package).Manifest.DType, Is.EqualTo("float16"));

    [Test]
    public void WeightsAreHalvesExceptTheTimestepFrequencies()
    {
        foreach (var (file, graph) in Graphs())
            foreach (var init in graph.Initializer.Where(i => i.DataType != (int)OnnxElementType.Int64))
            {
                var expected = init.Name.StartsWith("timestep_freqs") ? OnnxElementType.Float : OnnxElementType.Float16;
                Assert.That((OnnxElementType)init.DataType, Is.EqualTo(expected), $"{file}: {init.Name}");
            }
    }

    [Test]
    public void InputsAndOutputsStayFloat32()
    {
        foreach (var (file, graph) in Graphs())
            foreach (var value in graph.Input.Concat(graph.Output))
                Assert.That(value.Type.TensorType.ElemType, Is.EqualTo((int)OnnxElementType.Float), $"{file}: {value.Name}");
    }

    [Test]
    public void NormalisationStatisticsAndSoftmaxAreFloat32()
    {
        var softmaxes = 0;
        foreach (var (file, graph) in Graphs())
        {
            var producer = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
            foreach (var node in graph.Node)
            {
                if (node.OpType == "LayerNormalization")
                    Assert.That(node.Attribute.Single(a => a.Name == "stash_type").I, Is.EqualTo(1), $"{file}: {node.Name}");
                if (node.OpType != "Softmax") continue;
                softmaxes++;
                Assert.That(IsFloat32(node.Input[0], producer), $"{file}: {node.Name} reads a float32 value");
                var consumer = graph.Node.Single(n => n.Input.Contains(node.Output[0]));
                Assert.That(consumer.OpType, Is.EqualTo("Cast"), $"{file}: {node.Name}'s probabilities are cast back to half");
            }
        }
        Assert.That(softmaxes, Is.GreaterThan(0), "the graphs have softmaxes (cross-attention, model.onnx)");
    }

    /// <summary>A value is float32 when a Cast to float made it, or an Add of such a value and a float32 graph input (the key bias).</summary>
    private static bool IsFloat32(string value, Dictionary<string, NodeProto> producer)
    {
        if (!producer.TryGetValue(value, out var node)) return true; // a graph input: float32 by the test above
        return node.OpType switch
        {
            "Cast" => node.Attribute.Single(a => a.Name == "to").I == (long)OnnxElementType.Float,
            "Add" or "Unsqueeze" => IsFloat32(node.Input[0], producer) && (node.OpType == "Unsqueeze" || IsFloat32(node.Input[1], producer)),
            _ => false,
        };
    }

    [Test]
    public void HalfPackageIsAboutHalfTheSize()
    {
        long Size(string folder) => Directory.EnumerateFiles(folder, "*.onnx").Sum(f => new FileInfo(f).Length);
        Assert.That((double)Size(_half.Package) / Size(_single.Package), Is.InRange(0.45, 0.6));
    }

    [TestCase("ort")]
    [TestCase("kernel")]
    public void HalfPipelineDrawsTheSameImageAsTheFloat32One(string attention)
    {
        var request = new GenerationRequest { Prompt = "a sneaker", Seed = 5, Steps = 6, Guidance = 4.0 };
        using var half = TextToImagePipeline.Open(_half.Package, new RuntimeOptions { Threads = 1, Attention = attention });
        using var single = TextToImagePipeline.Open(_single.Package, new RuntimeOptions { Threads = 1, Attention = attention });
        var a = half.Generate(request).Image;
        var b = single.Generate(request).Image;
        var scale = b.Max(MathF.Abs);
        Assert.That(TestData.MaxAbsDiff(a, b), Is.LessThanOrEqualTo(0.02 * scale), "same image to within half-precision rounding");
        Assert.That(TestData.MaxAbsDiff(a, b), Is.GreaterThan(0), "the half package really computes in half precision");
    }
}
