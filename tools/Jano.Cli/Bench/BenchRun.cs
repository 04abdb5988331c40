using Jano.Runtime.Pipeline;

namespace Jano.Cli.Bench;

/// <summary>One measured generation: which method made which item, how long it took and where the time went.</summary>
public sealed record BenchRun(string Method, BenchItem Item, int Repeat, double WallMs, TimeBreakdown Breakdown, JanoReport? Jano);
