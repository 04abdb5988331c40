using Jano.Core.Acceleration;
namespace Jano.Runtime.Scheduling;

/// <summary>
/// Per-token levels and the scheduling order they imply: active tokens first, then medium, then
/// static, each group in natural order, so every subset a step computes is a prefix.
/// </summary>
public sealed class TokenMask
{
    public TokenMask(TokenLevel[] levels)
    {
        Levels = levels;
        ActiveCount = levels.Count(l => l == TokenLevel.Active);
        MediumCount = levels.Count(l => l == TokenLevel.Medium);
        StaticCount = levels.Length - ActiveCount - MediumCount;
        Order = levels.Select((level, token) => (level, token)).OrderBy(x => (int)x.level).ThenBy(x => x.token).Select(x => x.token).ToArray();
    }

    public TokenLevel[] Levels { get; }
    public int[] Order { get; }
    public int ActiveCount { get; }
    public int MediumCount { get; }
    public int StaticCount { get; }
    public int Tokens => Levels.Length;

    /// <summary>Tokens a step of this level computes (a prefix of <see cref="Order"/>).</summary>
    public int TokensFor(StepLevel level) => level switch
    {
        StepLevel.Full => Tokens,
        StepLevel.Medium => ActiveCount + MediumCount,
        _ => ActiveCount,
    };

    /// <summary>Scores are float32; thresholds are compared at float32 too, so 0.2 means the float 0.2.</summary>
    public static TokenLevel LevelOfScore(float score, JanoOptions o) =>
        score <= (float)o.StaticThreshold ? TokenLevel.Static : score <= (float)o.MediumThreshold ? TokenLevel.Medium : TokenLevel.Active;

    /// <summary>
    /// Expands block scores (grid [blocksH, blocksW] of blocks bh×bw latent pixels) to the tokens of a
    /// gridRows×gridColumns patch layout (patch p pixels): a token takes the most active level of the blocks its
    /// pixels fall in (exactly one block when the block size is a multiple of the patch).
    /// </summary>
    public static TokenMask FromBlockScores(ReadOnlySpan<float> scores, int blocksH, int blocksW, int blockH, int blockW, int gridRows, int gridColumns, int patch, JanoOptions o)
    {
        if (scores.Length != blocksH * blocksW) throw new ArgumentException($"{scores.Length} block scores for a {blocksH}×{blocksW} grid");
        var levels = new TokenLevel[gridRows * gridColumns];
        for (var row = 0; row < gridRows; row++)
            for (var col = 0; col < gridColumns; col++)
            {
                var level = TokenLevel.Static;
                for (var by = row * patch / blockH; by <= (row * patch + patch - 1) / blockH; by++)
                    for (var bx = col * patch / blockW; bx <= (col * patch + patch - 1) / blockW; bx++)
                    {
                        var l = LevelOfScore(scores[by * blocksW + bx], o);
                        if (l < level) level = l;
                    }
                levels[row * gridColumns + col] = level;
            }
        return new TokenMask(levels);
    }

    /// <summary>A mask with fixed fractions of active and medium tokens, chosen by a seeded shuffle (benchmarks and tests).</summary>
    public static TokenMask Forced(int tokens, double activeFraction, double mediumFraction, int seed)
    {
        if (activeFraction < 0 || mediumFraction < 0 || activeFraction + mediumFraction > 1)
            throw new ArgumentException("forced fractions must be ≥ 0 and add up to at most 1");
        var order = Enumerable.Range(0, tokens).ToArray();
        new Random(seed).Shuffle(order);
        var levels = new TokenLevel[tokens];
        int active = (int)Math.Round(activeFraction * tokens), medium = (int)Math.Round(mediumFraction * tokens);
        for (var i = 0; i < tokens; i++)
            levels[order[i]] = i < active ? TokenLevel.Active : i < active + medium ? TokenLevel.Medium : TokenLevel.Static;
        return new TokenMask(levels);
    }
}
