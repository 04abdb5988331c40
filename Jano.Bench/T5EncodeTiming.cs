using System.Diagnostics;
using System.Globalization;
using Jano.Export.Encoders.T5;
using Jano.Export.Onnx;
using Jano.Runtime.Conditioning;
using Jano.Runtime.Diagnostics;

namespace Jano.Bench;

/// <summary>
/// T5 encode time at PixArt-α's text-encoder width (t5-v1_1-xxl: d_model 4096, 64 heads × 64, d_ff 10240,
/// gated-gelu, vocabulary 32128) with random weights, at reduced depth because 24 layers of float32
/// weights (19 GB) do not fit this machine: the graph is built at each given depth, timed on a prompt of
/// the given length (no padding), and the per-layer cost from the two depths furthest apart extrapolates
/// to 24 layers. Not a test: numbers only.
/// </summary>
public static class T5EncodeTiming
{
    public const int FullDepth = 24;

    public static int Run(int[] depths, int tokens, int threads, int repeats, string dtype, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var results = new List<(int Layers, double Ms, double MinMs)>();
        output.WriteLine($"T5 encoder, d_model 4096, 64 heads x 64, d_ff 10240, gated-gelu, {tokens} tokens, batch 1, {dtype}, {threads} threads, median of {repeats} after 1 warm-up");
        output.WriteLine("| layers | graph build s | session load s | ms / encode (median) | min ms |");
        output.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var layers in depths)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"jano-t5-timing-{Environment.ProcessId}-{layers}");
            Directory.CreateDirectory(folder);
            try
            {
                var clock = Stopwatch.StartNew();
                var graph = Path.Combine(folder, "text_encoder.onnx");
                {
                    var config = T5Config.Parse(T5RandomCheckpoint.PixArtAlphaConfigJson(layers), "PixArt-α text_encoder/config.json");
                    var weights = new T5Weights(config, T5RandomCheckpoint.Lookup(config, seed: 1));
                    var model = new T5EncoderGraph(config, weights, T5Exporter.ComputeType(dtype)).Build();
                    OnnxModelWriter.Save(model, graph);
                }
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var buildSeconds = clock.Elapsed.TotalSeconds;

                clock.Restart();
                using var session = new T5EncoderSession(graph, o => o.IntraOpNumThreads = threads);
                var loadSeconds = clock.Elapsed.TotalSeconds;
                var random = new Random(7);
                var ids = Enumerable.Range(0, tokens).Select(i => i == tokens - 1 ? 1L : random.Next(3, 32000)).ToArray();
                var mask = Enumerable.Repeat(1L, tokens).ToArray();
                session.Run(ids, mask);
                var times = new List<double>();
                for (var r = 0; r < repeats; r++)
                {
                    clock.Restart();
                    session.Run(ids, mask);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
                var median = WallClock.Median(times);
                results.Add((layers, median, times.Min()));
                output.WriteLine(string.Create(inv, $"| {layers} | {buildSeconds:F1} | {loadSeconds:F1} | {median:F0} | {times.Min():F0} |"));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        if (results.Count >= 2)
        {
            // Least squares over the depths: ms = fixed + layers · perLayer, for the medians and for the minima
            // (the minima are the better estimate when other work shares the cores).
            foreach (var (what, points) in new[] { ("median", results.Select(r => (r.Layers, r.Ms))), ("min", results.Select(r => (r.Layers, r.MinMs))) })
            {
                var (perLayer, fixedMs) = Fit(points.ToList());
                output.WriteLine(string.Create(inv, $"{what}: per layer {perLayer:F0} ms, fixed (embedding, biases, final norm) {fixedMs:F0} ms -> {FullDepth} layers ≈ {fixedMs + FullDepth * perLayer:F0} ms per encode"));
            }
        }
        else if (results.Count == 1)
        {
            var (l, t, _) = results[0];
            output.WriteLine(string.Create(inv, $"{FullDepth} layers ≈ {t * FullDepth / l:F0} ms per encode (proportional to depth)"));
        }
        // FLOPs (2 per multiply-add) of one layer at this length, for a GFLOP/s reading of the table.
        var flops = 2.0 * tokens * (4.0 * 4096 * 4096 + 3.0 * 4096 * 10240) + 4.0 * 64 * tokens * tokens * 64;
        output.WriteLine(string.Create(inv, $"one layer at {tokens} tokens: {flops / 1e9:F1} GFLOP (projections and FFN; attention {4.0 * 64 * tokens * tokens * 64 / 1e9:F2})"));
        return 0;
    }

    private static (double Slope, double Intercept) Fit(List<(int X, double Y)> points)
    {
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var slope = sxy / sxx;
        return (slope, my - slope * mx);
    }
}
