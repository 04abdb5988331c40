using Jano.Core.Packages;

namespace Jano.Runtime.Acceleration;

/// <summary>
/// Ideal speed-up of any method from FLOP counts (<see cref="FlopCounter"/>, the count Jano's report
/// uses): dense FLOPs over the dense step count over what the method's steps ran. A computed
/// step counts its cond runs and its forward over its token prefix; a block reuse counts the cond runs,
/// the embedding and the final layer over every token; a forecast or a step of no tokens counts nothing.
/// The caption stage counts once on both sides. steps-K: K plans against the user's step count.
/// </summary>
public static class MethodFlops
{
    public static double Generation(FlopShape s, IReadOnlyList<StepPlan> plans, int branches)
    {
        var condRuns = s.CondPerBranch ? branches : 1;
        var n = s.Geometry.Tokens;
        var total = branches * FlopCounter.Caption(s);
        foreach (var plan in plans)
        {
            if (plan.Kind == StepKind.Compute && plan.Tokens > 0) total += condRuns * FlopCounter.Cond(s) + branches * FlopCounter.Forward(s, plan.Tokens);
            else if (plan.Kind == StepKind.ReuseBlocks) total += condRuns * FlopCounter.Cond(s) + branches * (FlopCounter.Embed(s, n) + FlopCounter.Final(s, n));
        }
        return total;
    }

    public static double IdealSpeedup(FlopShape s, int denseSteps, IReadOnlyList<StepPlan> plans, int branches)
    {
        var dense = FlopCounter.Generation(s, Enumerable.Repeat(s.Geometry.Tokens, denseSteps).ToList(), branches);
        var method = Generation(s, plans, branches);
        return method == 0 ? double.PositiveInfinity : dense / method;
    }
}
