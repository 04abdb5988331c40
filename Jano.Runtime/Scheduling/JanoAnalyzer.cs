using Jano.Kernels;

namespace Jano.Runtime.Scheduling;

/// <summary>
/// Jano's analysis (docs/ARCHITECTURE.md, "The Jano algorithm", step 2): stores the guided noise prediction of
/// each warm-up step, then scores every block of the latent volume by how much its inner geometry
/// still changes (block dynamics), normalises the scores to [0, 1] and applies inward diffusion.
/// The store is allocated once, for <see cref="Capacity"/> predictions. Not thread-safe.
/// </summary>
public sealed class JanoAnalyzer
{
    private readonly IBlockDynamicsKernel _kernel;
    private readonly float[] _store;
    private readonly int _predictionLength;

    /// <param name="shape">Shape of every prediction that will be recorded.</param>
    /// <param name="options">Block size, temporal weight and diffusion parameters.</param>
    /// <param name="kernel">Computes the block dynamics (Cpu or ILGPU).</param>
    /// <param name="capacity">The most predictions that will be recorded (the warm-up steps, plus one
    /// where the initial noise is stored too); at least 2.</param>
    /// <exception cref="ArgumentException">An invalid shape, option or capacity.</exception>
    public JanoAnalyzer(PredictionShape shape, JanoAnalyzerOptions options, IBlockDynamicsKernel kernel, int capacity)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(kernel);
        shape.Validate();
        options.Validate();
        if (capacity < 2)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                "The analysis compares pairs of recorded predictions: capacity must be at least 2.");
        // The largest analysis this analyzer may run must be a valid kernel call (sizes fit an int).
        DynamicsShape(capacity, shape, options).Validate();
        Shape = shape;
        Options = options;
        Capacity = capacity;
        _kernel = kernel;
        _predictionLength = (int)shape.Length;
        _store = new float[(long)capacity * _predictionLength];
    }

    public PredictionShape Shape { get; }
    public JanoAnalyzerOptions Options { get; }
    public int Capacity { get; }

    /// <summary>Predictions recorded since construction or the last <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Copies one guided noise prediction, [C, T, H, W] row-major, into the store.</summary>
    /// <exception cref="ArgumentException">The prediction does not have C·T·H·W elements.</exception>
    /// <exception cref="InvalidOperationException">The store already holds <see cref="Capacity"/> predictions.</exception>
    public void Record(ReadOnlySpan<float> prediction)
    {
        if (prediction.Length != _predictionLength)
            throw new ArgumentException(
                $"prediction has {prediction.Length} elements but {Shape} needs {_predictionLength}.",
                nameof(prediction));
        if (Count == Capacity)
            throw new InvalidOperationException(
                $"The analyzer already holds its capacity of {Capacity} predictions; call Reset to start over.");
        prediction.CopyTo(_store.AsSpan(Count * _predictionLength, _predictionLength));
        Count++;
    }

    /// <summary>Forgets the recorded predictions (the store is kept) for the next generation.</summary>
    public void Reset() => Count = 0;

    /// <summary>
    /// Scores the blocks from the k = <see cref="Count"/> recorded predictions, comparing steps
    /// j and j + k / 2.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than 2 predictions were recorded.</exception>
    public BlockScores Analyze()
    {
        if (Count < 2)
            throw new InvalidOperationException(
                $"Analyze needs at least 2 recorded predictions to compare, but {Count} {(Count == 1 ? "was" : "were")} recorded.");
        BlockDynamicsShape dynamicsShape = DynamicsShape(Count, Shape, Options);
        var spatial = new float[dynamicsShape.Blocks];
        var temporal = new float[dynamicsShape.Blocks];
        _kernel.BlockDynamics(_store.AsSpan(0, Count * _predictionLength), spatial, temporal, dynamicsShape);

        float[] combined = Combine(spatial, temporal, Options.TWeight);
        MinMaxNormalization.Normalize(combined);
        var final = (float[])combined.Clone();
        int frameBlocks = dynamicsShape.GridHeight * dynamicsShape.GridWidth;
        for (int t = 0; t < dynamicsShape.GridFrames; t++)
            InwardDiffusion.Apply(final.AsSpan(t * frameBlocks, frameBlocks), dynamicsShape.GridHeight,
                dynamicsShape.GridWidth, Options.DStrength, Options.DDistance);

        return new BlockScores(dynamicsShape.GridFrames, dynamicsShape.GridHeight, dynamicsShape.GridWidth,
            Count, dynamicsShape.Interval, spatial, temporal, combined, final);
    }

    private static float[] Combine(float[] spatial, float[] temporal, double temporalWeight)
    {
        var combined = new float[spatial.Length];
        for (int i = 0; i < combined.Length; i++)
            combined[i] = (float)(temporalWeight * temporal[i] + (1 - temporalWeight) * spatial[i]);
        return combined;
    }

    private static BlockDynamicsShape DynamicsShape(int steps, PredictionShape shape, JanoAnalyzerOptions options) =>
        new(steps, shape.Channels, shape.Frames, shape.Height, shape.Width,
            options.BlockFrames, options.BlockHeight, options.BlockWidth, Interval: steps / 2);
}
