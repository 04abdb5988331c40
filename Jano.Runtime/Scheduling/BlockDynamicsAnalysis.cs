using Jano.Core.Acceleration;
using Jano.Core.Geometry;
using Jano.Kernels;

namespace Jano.Runtime.Scheduling;

/// <summary>The real region analysis: block dynamics of the warm-up predictions, expanded to a token mask.</summary>
public sealed class BlockDynamicsAnalysis : IRegionAnalysis
{
    private readonly JanoAnalyzer _analyzer;
    private readonly JanoOptions _options;
    private readonly LatentGeometry _geometry;

    public BlockDynamicsAnalysis(JanoOptions options, LatentGeometry geometry, IBlockDynamicsKernel kernel)
    {
        _options = options;
        _geometry = geometry;
        var capacity = options.Warmup + (options.IncludeInitialNoise ? 1 : 0);
        _analyzer = new JanoAnalyzer(new PredictionShape(geometry.Channels, 1, geometry.Height, geometry.Width),
            new JanoAnalyzerOptions(options.BlockFrames, options.BlockHeight, options.BlockWidth, options.TWeight, options.DStrength, options.DDistance),
            kernel, capacity);
    }

    public AnalysisMaps? Maps { get; private set; }

    public void Record(ReadOnlySpan<float> prediction) => _analyzer.Record(prediction);

    public TokenMask BuildMask()
    {
        var scores = _analyzer.Analyze();
        Maps = new AnalysisMaps(scores.Final, scores.Combined, scores.GridHeight, scores.GridWidth);
        return TokenMask.FromBlockScores(scores.Final, scores.GridHeight, scores.GridWidth, _options.BlockHeight, _options.BlockWidth, _geometry.GridHeight, _geometry.GridWidth, _geometry.PatchSize, _options);
    }
}
