namespace Jano.Cli.Bench;

/// <summary>One prompt and seed of the benchmark set: every method generates it, and is compared on it.</summary>
public sealed record BenchItem(string Prompt, long Seed)
{
    /// <summary>The set in a fixed order: each prompt with seeds 0 .. seeds − 1.</summary>
    public static IReadOnlyList<BenchItem> Cross(IReadOnlyList<string> prompts, int seeds) =>
        [.. from p in prompts from s in Enumerable.Range(0, seeds) select new BenchItem(p, s)];
}
