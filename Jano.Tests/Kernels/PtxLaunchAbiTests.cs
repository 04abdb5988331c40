using System.Text.RegularExpressions;
using ILGPU.Runtime.Cuda;
using Jano.Kernels.Cuda;
using Jano.Kernels.Ilgpu;

namespace Jano.Tests.Kernels;

/// <summary>
/// The CUDA path launches ILGPU's PTX itself (cuLaunchKernel), so the argument layout it packs must be
/// the one ILGPU's compiler declares. Oracle: the <c>.param</c> list of each PTX entry ILGPU writes.
/// </summary>
public sealed class PtxLaunchAbiTests
{
    private static readonly Regex Param = new(@"\.param\s+(?:\.align\s+(\d+)\s+)?\.b(8|16|32|64)\s+[\w$]+(?:\[(\d+)\])?");

    [TestCase(8, 0)]
    [TestCase(9, 0)]
    public void PackedArgumentsMatchEveryLaunchedEntry(int major, int minor)
    {
        var ptx = IlgpuPtx.CompileAll(new CudaArchitecture(major, minor));

        foreach (var (kernel, expected) in CudaKernels.Parameters)
        {
            var declared = DeclaredParameters(ptx[kernel]);
            Assert.That(declared, Is.EqualTo(expected), $"{kernel}: PTX parameters (size, align) vs what CudaKernels packs");
        }
    }

    [Test]
    public void EntryNamesAreFoundInThePtx()
    {
        var ptx = IlgpuPtx.CompileAll(CudaArchitecture.SM_90);
        Assert.That(CudaKernels.EntryName(ptx["GatherRows"]), Does.Contain("Gather"));
        Assert.That(CudaKernels.EntryName(ptx["Attention"]), Does.Contain("Attention"));
    }

    [TestCase(9, 0, 9, 0)]
    [TestCase(10, 0, 9, 0)]
    [TestCase(8, 6, 8, 0)]
    public void DevicesGetTheNewestTargetTheyRun(int major, int minor, int targetMajor, int targetMinor)
    {
        Assert.That(CudaKernels.ArchitectureFor((major, minor)), Is.EqualTo(new CudaArchitecture(targetMajor, targetMinor)));
    }

    [Test]
    public void DevicesOlderThanAmpereAreRejectedWithTheReason()
    {
        var e = Assert.Throws<NotSupportedException>(() => CudaKernels.ArchitectureFor((7, 5)))!;
        Assert.That(e.Message, Does.Contain("7.5"));
    }

    /// <summary>(size, align) of every .param of the entry: a .bN scalar is N/8 bytes aligned to itself; .b8 name[n] is n bytes.</summary>
    private static List<PtxParameter> DeclaredParameters(string ptx)
    {
        var start = ptx.IndexOf(".entry", StringComparison.Ordinal);
        var open = ptx.IndexOf('(', start);
        var close = ptx.IndexOf(')', open);
        var list = ptx[(open + 1)..close];
        var result = new List<PtxParameter>();
        foreach (Match m in Param.Matches(list))
        {
            var elementBytes = int.Parse(m.Groups[2].Value) / 8;
            var count = m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 1;
            var align = m.Groups[1].Success ? int.Parse(m.Groups[1].Value) : elementBytes;
            result.Add(new PtxParameter(elementBytes * count, align));
        }
        Assert.That(result, Is.Not.Empty, "no .param found");
        return result;
    }
}
