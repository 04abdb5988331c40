namespace Jano.Runtime.Scheduling;

/// <summary>Shape of one stored noise prediction: [Channels, Frames, Height, Width], row-major float32.</summary>
public readonly record struct PredictionShape(int Channels, int Frames, int Height, int Width)
{
    /// <summary>Elements of one prediction: C · T · H · W.</summary>
    public long Length => (long)Channels * Frames * Height * Width;

    /// <summary>Throws <see cref="ArgumentException"/> when a dimension is below 1.</summary>
    public void Validate()
    {
        if (Channels < 1 || Frames < 1 || Height < 1 || Width < 1)
            throw new ArgumentException(
                $"Every prediction dimension must be at least 1; got [C, T, H, W] = [{Channels}, {Frames}, {Height}, {Width}].",
                nameof(PredictionShape));
    }

    public override string ToString() => $"[C, T, H, W] = [{Channels}, {Frames}, {Height}, {Width}]";
}
