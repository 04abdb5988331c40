using Jano.Core.Acceleration;
namespace Jano.Runtime.Scheduling;

/// <summary>What a denoising step computes.</summary>
public enum StepLevel
{
    /// <summary>All N tokens (warm-up, cool-down, refresh).</summary>
    Full,
    /// <summary>Active and medium tokens.</summary>
    Medium,
    /// <summary>Active tokens only.</summary>
    Active,
}

/// <summary>The level of each token once the mask exists.</summary>
public enum TokenLevel
{
    Active = 0,
    Medium = 1,
    Static = 2,
}

/// <summary>
/// The step schedule: for step s (1-based) of S, s ≤ warmup or s > S − cooldown → full;
/// (s − warmup − 1) mod static_interval = 0 → full (refresh); mod medium_interval = 0 → medium;
/// otherwise active.
/// </summary>
public static class JanoSchedule
{
    public static StepLevel LevelOf(int step, int steps, JanoOptions o)
    {
        if (step < 1 || step > steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be in [1, {steps}]");
        if (step <= o.Warmup || step > steps - o.Cooldown) return StepLevel.Full;
        var sinceWarmup = step - o.Warmup - 1;
        if (sinceWarmup % o.StaticInterval == 0) return StepLevel.Full;
        if (sinceWarmup % o.MediumInterval == 0) return StepLevel.Medium;
        return StepLevel.Active;
    }

    public static StepLevel[] Levels(int steps, JanoOptions o) =>
        Enumerable.Range(1, steps).Select(s => LevelOf(s, steps, o)).ToArray();

    /// <summary>One letter per step (F, M, A), for reports.</summary>
    public static string Describe(IEnumerable<StepLevel> levels) =>
        string.Concat(levels.Select(l => l switch { StepLevel.Full => 'F', StepLevel.Medium => 'M', _ => 'A' }));
}
