namespace Jano.Cli.Bench;

/// <summary>Everything a benchmark run measured: every timed generation, and each method's image of each item.</summary>
public sealed class BenchMeasurements(int channels, int height, int width)
{
    private readonly Dictionary<(string, BenchItem), float[]> _images = [];

    public List<BenchRun> Runs { get; } = [];
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;

    /// <summary>Generation is deterministic, so the first image of a method and item stands for all its repeats.</summary>
    public void KeepImage(string method, BenchItem item, float[] image) => _images.TryAdd((method, item), image);

    public float[] Image(string method, BenchItem item) => _images[(method, item)];
}
