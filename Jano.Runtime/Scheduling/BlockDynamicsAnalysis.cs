using Jano.Kernels;

namespace Jano.Runtime.Scheduling;

/// <summary>The real region analysis: block dynamics of the warm-up predictions, expanded to a token mask.</summary>
public sealed class BlockDynamicsAnalysis : IRegionAnalysis
{
    private readonly JanoAnalyzer _analyzer;
    private readonly JanoOptions _options;
    private readonly int _grid, _patch;

    public BlockDynamicsAnalysis(JanoOptions options, int channels, int sampleSize, int patchSize, IBlockDynamicsKernel kernel)
    {
        _options = options;
        _grid = sampleSize / patchSize;
        _patch = patchSize;
        var capacity = options.Warmup + (options.IncludeInitialNoise ? 1 : 0);
        _analyzer = new JanoAnalyzer(new PredictionShape(channels, 1, sampleSize, sampleSize),
            new JanoAnalyzerOptions(options.BlockFrames, options.BlockHeight, options.BlockWidth, options.TWeight, options.DStrength, options.DDistance),
            kernel, capacity);
    }

    public AnalysisMaps? Maps { get; private set; }

    public void Record(ReadOnlySpan<float> prediction) => _analyzer.Record(prediction);

    public TokenMask BuildMask()
    {
        var scores = _analyzer.Analyze();
        Maps = new AnalysisMaps(scores.Final, scores.Combined, scores.GridHeight, scores.GridWidth);
        return TokenMask.FromBlockScores(scores.Final, scores.GridHeight, scores.GridWidth, _options.BlockHeight, _options.BlockWidth, _grid, _patch, _options);
    }
}
