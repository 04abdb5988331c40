using System.Runtime.Intrinsics.X86;
using Jano.Cli;
using Jano.Core.IO;
using Jano.Eval;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// The default model's images against the arrays the previous runtime (v1, commit 4b9519c: package
/// format 1, the PixArt-only DenoisingEngine) produced: the 10 class prompts × seeds 1 and 2, dense
/// and Jano (the package's preset), 50 steps. Written by that commit's build on this kind of machine
/// (Jano.Tests/Fixtures/v1/*.json says how). Bit-identical where the CPU has the instruction set the
/// fixture was made with (ONNX Runtime's kernels pick their code path by it); elsewhere within 1e-4.
/// </summary>
[TestFixture]
public sealed class DefaultModelRegressionTests
{
    private const string FixtureName = "Jano.Tests/Fixtures/v1/default-model-50steps.safetensors";

    [Test]
    public void ImagesEqualThePreviousRuntimes()
    {
        var fixturePath = Locate(FixtureName);
        using var fixture = SafetensorsFile.Open(fixturePath);
        var metadata = fixture.Metadata;
        var sameIsa = metadata["avx512f"] == Avx512F.IsSupported.ToString() && metadata["avx2"] == Avx2.IsSupported.ToString();
        using var pipeline = TextToImagePipeline.Open(DefaultModel.Locate());
        var manifest = pipeline.Package.Manifest;
        var jano = manifest.JanoPresets![manifest.DefaultJanoPreset!];
        Assert.That(manifest.DefaultJanoPreset, Is.EqualTo(metadata["jano_preset"]));
        var compared = 0;
        for (var p = 0; p < FashionMnist.Prompts.Count; p++)
            foreach (var seed in new[] { 1, 2 })
                foreach (var method in new[] { "dense", "jano" })
                {
                    var request = new GenerationRequest { Prompt = FashionMnist.Prompts[p], Seed = seed, Steps = 50, Jano = method == "jano" ? jano : null };
                    var image = pipeline.Generate(request).Image;
                    var expected = fixture.ReadAsFloat32($"{method}/{p:D2}/seed{seed}");
                    if (sameIsa)
                        Assert.That(image, Is.EqualTo(expected), $"{method} '{FashionMnist.Prompts[p]}' seed {seed}: bit-identical to v1");
                    else
                        Assert.That(TestData.MaxAbsDiff(image, expected), Is.LessThanOrEqualTo(1e-4), $"{method} '{FashionMnist.Prompts[p]}' seed {seed}");
                    compared++;
                }
        Assert.That(compared, Is.EqualTo(40));
        if (!sameIsa) TestContext.Out.WriteLine("this CPU's instruction set differs from the fixture's: compared within 1e-4, not bit for bit");
    }

    private static string Locate(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
