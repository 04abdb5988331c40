namespace Jano.Cli.Bench;

/// <summary>Everything a benchmark run measured: every timed generation, and each method's image of each item.</summary>
public sealed class BenchMeasurements
{
    private readonly Dictionary<(string, BenchItem), float[]> _images = [];

    public List<BenchRun> Runs { get; } = [];
    /// <summary>The decoded image's size (a VAE package's images are RGB at 8× the latent size), from the first one kept.</summary>
    public int Channels { get; private set; }
    public int Height { get; private set; }
    public int Width { get; private set; }

    /// <summary>Generation is deterministic, so the first image of a method and item stands for all its repeats.</summary>
    public void KeepImage(string method, BenchItem item, Jano.Runtime.Pipeline.GenerationResult result)
    {
        if (_images.Count == 0) (Channels, Height, Width) = (result.Channels, result.Height, result.Width);
        _images.TryAdd((method, item), result.Image);
    }

    public float[] Image(string method, BenchItem item) => _images[(method, item)];
}
