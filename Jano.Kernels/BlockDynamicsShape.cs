namespace Jano.Kernels;

/// <summary>
/// Shape of one block-dynamics call. The predictions are <see cref="Steps"/> stored noise predictions,
/// each [Channels, Frames, Height, Width], row-major float32, one after the other. The volume is cut
/// into blocks of (BlockFrames, BlockHeight, BlockWidth), zero-padded at the far ends to whole blocks;
/// the outputs are indexed by the block grid [GridFrames, GridHeight, GridWidth], row-major.
/// </summary>
/// <param name="Steps">k, the stored predictions (at least 2).</param>
/// <param name="Channels">C: each position or frame is a vector over the channels.</param>
/// <param name="Frames">T (1 for images).</param>
/// <param name="Height">H, latent rows.</param>
/// <param name="Width">W, latent columns.</param>
/// <param name="BlockFrames">bt.</param>
/// <param name="BlockHeight">bh.</param>
/// <param name="BlockWidth">bw.</param>
/// <param name="Interval">Steps j and j + Interval are compared, for j in [0, Steps − Interval).</param>
public readonly record struct BlockDynamicsShape(
    int Steps, int Channels, int Frames, int Height, int Width,
    int BlockFrames, int BlockHeight, int BlockWidth, int Interval)
{
    public int GridFrames => CeilDiv(Frames, BlockFrames);
    public int GridHeight => CeilDiv(Height, BlockHeight);
    public int GridWidth => CeilDiv(Width, BlockWidth);

    /// <summary>Blocks in the grid: the length of each output.</summary>
    public int Blocks => GridFrames * GridHeight * GridWidth;

    /// <summary>bh · bw, the positions of one block frame.</summary>
    public int BlockPositions => BlockHeight * BlockWidth;

    /// <summary>k − Interval, the step pairs compared.</summary>
    public int StepPairs => Steps - Interval;

    /// <summary>Elements of one prediction: C · T · H · W.</summary>
    public long PredictionLength => (long)Channels * Frames * Height * Width;

    /// <summary>Elements of the predictions input: k · C · T · H · W.</summary>
    public long InputLength => Steps * PredictionLength;

    /// <summary>Throws <see cref="ArgumentException"/> when the shape itself is invalid.</summary>
    public void Validate()
    {
        // Messages are built only on failure: a valid call allocates nothing.
        if (Steps < 2) throw Invalid(nameof(Steps), $"Steps must be at least 2 (was {Steps}).");
        if (Channels < 1) throw Invalid(nameof(Channels), $"Channels must be at least 1 (was {Channels}).");
        if (Frames < 1) throw Invalid(nameof(Frames), $"Frames must be at least 1 (was {Frames}).");
        if (Height < 1) throw Invalid(nameof(Height), $"Height must be at least 1 (was {Height}).");
        if (Width < 1) throw Invalid(nameof(Width), $"Width must be at least 1 (was {Width}).");
        if (BlockFrames < 1) throw Invalid(nameof(BlockFrames), $"BlockFrames must be at least 1 (was {BlockFrames}).");
        if (BlockHeight < 1) throw Invalid(nameof(BlockHeight), $"BlockHeight must be at least 1 (was {BlockHeight}).");
        if (BlockWidth < 1) throw Invalid(nameof(BlockWidth), $"BlockWidth must be at least 1 (was {BlockWidth}).");
        if (Interval < 1 || Interval >= Steps)
            throw Invalid(nameof(Interval), $"Interval must be in [1, Steps) = [1, {Steps}) (was {Interval}).");
        // Padded extents and per-block sizes must also fit an int (kernels index with int).
        if (InputLength > int.MaxValue
            || (long)CeilDiv(Frames, BlockFrames) * BlockFrames * CeilDiv(Height, BlockHeight) * BlockHeight
               * CeilDiv(Width, BlockWidth) * BlockWidth > int.MaxValue
            || (long)Steps * BlockFrames * BlockHeight * BlockWidth * Channels > int.MaxValue / 2)
            throw Invalid(nameof(BlockDynamicsShape), $"Shape {this} is too large for int indexing.");
    }

    /// <summary>
    /// Validates the shape and the lengths: the predictions must hold exactly <see cref="InputLength"/>
    /// elements and each output exactly <see cref="Blocks"/>.
    /// </summary>
    public void Validate(long predictionsLength, long spatialLength, long temporalLength)
    {
        Validate();
        if (predictionsLength != InputLength)
            throw new ArgumentException(
                $"predictions has {predictionsLength} elements but [Steps, Channels, Frames, Height, Width] for {this} needs {InputLength}.",
                "predictions");
        if (spatialLength != Blocks)
            throw new ArgumentException(
                $"spatial has {spatialLength} elements but the block grid [{GridFrames}, {GridHeight}, {GridWidth}] needs {Blocks}.",
                "spatial");
        if (temporalLength != Blocks)
            throw new ArgumentException(
                $"temporal has {temporalLength} elements but the block grid [{GridFrames}, {GridHeight}, {GridWidth}] needs {Blocks}.",
                "temporal");
    }

    private static int CeilDiv(int value, int divisor) => divisor < 1 ? 0 : (value + divisor - 1) / divisor;

    private static ArgumentException Invalid(string name, string message) => new(message, name);
}
