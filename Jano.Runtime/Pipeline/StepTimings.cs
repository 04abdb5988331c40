using System.Diagnostics;

namespace Jano.Runtime.Pipeline;

/// <summary>Where the time of denoising steps went, in Stopwatch ticks.</summary>
public sealed class StepTimings
{
    public long SessionTicks;
    public long AttentionTicks;
    /// <summary>Moving token rows: patch gather, K/V and output scatter into the persistent buffers, reordering.</summary>
    public long RowsTicks;
    /// <summary>The whole step (forward, guidance, layout, sampler); measured by the pipeline.</summary>
    public long TotalTicks;

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public double SessionMs => Ms(SessionTicks);
    public double AttentionMs => Ms(AttentionTicks);
    public double RowsMs => Ms(RowsTicks);
    public double TotalMs => Ms(TotalTicks);

    /// <summary>Share of the time spent outside ONNX Runtime sessions (kernels, layout, sampler, overhead).</summary>
    public double OutsideSessionsShare => TotalTicks == 0 ? 0 : 1.0 - (double)SessionTicks / TotalTicks;

    public void Add(StepTimings other)
    {
        SessionTicks += other.SessionTicks;
        AttentionTicks += other.AttentionTicks;
        RowsTicks += other.RowsTicks;
        TotalTicks += other.TotalTicks;
    }
}
