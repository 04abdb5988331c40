using Jano.Kernels;
using Jano.Kernels.Cpu;

namespace Jano.Tests.Kernels;

/// <summary>Warm calls of the Cpu kernels allocate nothing of their own on the calling thread.</summary>
public sealed class CpuAllocationTests
{
    [Test]
    public void WarmSingleThreadedAttentionAllocatesNothing()
    {
        var kernel = new CpuAttention(maxDegreeOfParallelism: 1);
        var shape = AttentionShape.Create(2, 20, 70, 72, 2, 36);
        float[] q = TestTensors.Uniform((int)shape.QueryLength, 31);
        float[] kv = TestTensors.Uniform((int)shape.KeyValueLength, 32);
        float[] o = new float[shape.QueryLength];

        Assert.That(FewestBytesAllocated(() => kernel.Attention(q, kv, kv, o, shape)), Is.Zero);
    }

    [Test]
    public void WarmRowKernelsAllocateNothing()
    {
        var rows = new CpuRowKernels();
        int[] indices = [3, 0, 2];
        float[] four = TestTensors.Uniform(2 * 4 * 5, 33), three = new float[2 * 3 * 5];

        Assert.That(FewestBytesAllocated(() =>
        {
            rows.GatherRows(four, indices, three, new RowShape(2, 4, 3, 5));
            rows.ScatterRows(three, indices, four, new RowShape(2, 3, 4, 5));
        }), Is.Zero);
    }

    // The fewest bytes any of several warm calls allocated: the runtime itself may allocate now and
    // then (tiered compilation), a kernel that allocates does so on every call.
    private static long FewestBytesAllocated(Action call)
    {
        for (int i = 0; i < 5; i++) call();
        long fewest = long.MaxValue;
        for (int i = 0; i < 10; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
