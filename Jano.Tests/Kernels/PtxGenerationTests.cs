using ILGPU.Runtime.Cuda;
using Jano.Kernels.Ilgpu;

namespace Jano.Tests.Kernels;

/// <summary>Every ILGPU kernel compiles to PTX for the GPUs we target, without a GPU.</summary>
public sealed class PtxGenerationTests
{
    [TestCase(8, 0)]
    [TestCase(9, 0)]
    public void EveryKernelCompilesForTheArchitecture(int major, int minor)
    {
        var architecture = new CudaArchitecture(major, minor);

        IReadOnlyDictionary<string, string> ptx = IlgpuPtx.CompileAll(architecture);

        Assert.That(ptx.Keys, Is.EquivalentTo(new[] { "Attention", "GatherRows", "ScatterRows", "BlockDynamics" }));
        foreach ((string kernel, string text) in ptx)
        {
            Assert.That(text, Does.Contain($".target sm_{major}{minor}"), kernel);
            Assert.That(text, Does.Contain(".entry"), kernel);
            Assert.That(text, Does.Contain(".version " + IlgpuPtx.MinimumInstructionSet(architecture)), kernel);
        }
        Assert.That(ptx["Attention"], Does.Contain("shfl.sync.bfly"), "scores are reduced across the warp");
        Assert.That(ptx["Attention"], Does.Contain("ex2.approx"), "the softmax uses the native exp2");
    }
}
