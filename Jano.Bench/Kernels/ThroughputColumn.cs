using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Jano.Bench.Kernels;

/// <summary>
/// Achieved throughput of a benchmark: its work per operation (FLOPs or bytes, worked out from the
/// case's parameters) divided by the measured mean time. Work per nanosecond is work·10⁹ per second,
/// so FLOPs/ns reads directly as GFLOP/s and bytes/ns as GB/s.
/// </summary>
public sealed class ThroughputColumn(string name, string legend, Func<BenchmarkCase, double?> workPerOperation) : IColumn
{
    public string Id => $"{nameof(ThroughputColumn)}.{name}";
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var work = workPerOperation(benchmarkCase);
        if (meanNs is not > 0 || work is null) return "-";
        var rate = work.Value / meanNs.Value;
        // Simulated GPU code runs at a few MFLOP/s: keep three significant digits there instead of printing 0.00.
        return rate.ToString(rate >= 1 ? "F2" : "G3", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
