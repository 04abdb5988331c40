using Jano.Runtime.Pipeline;

namespace Jano.Cli.Bench;

/// <summary>One measured generation: which method made which item, how long it took, where the time went and its ideal (FLOP) speed-up.</summary>
public sealed record BenchRun(string Method, BenchItem Item, int Repeat, double WallMs, TimeBreakdown Breakdown, JanoReport? Jano, double IdealSpeedup = 1);
