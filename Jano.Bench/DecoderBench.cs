using System.Diagnostics;
using System.Globalization;
using Jano.Core.Packages;
using Jano.Export.Vae;
using Jano.Runtime;
using Jano.Runtime.Decoders;
using Jano.Runtime.Diagnostics;
using Jano.Runtime.Onnx;

namespace Jano.Bench;

/// <summary>
/// Decode time and peak memory of an AutoencoderKL decoder graph at 256², 512² and 1024² output pixels,
/// untiled and tiled, on a random VAE (no one here has SD weights, and timing does not depend on their
/// values). Each measurement runs in a child process of its own, so its peak working set
/// (Process.PeakWorkingSet64, which never goes down within a process) is that case's alone; the
/// reported Δ is the peak minus the working set once the session is created, i.e. what decoding adds.
///
/// Default model: SD's VAE at half width and reduced depth — block_out_channels 64, 128, 256, 256 (SD:
/// 128, 256, 512, 512), layers_per_block 1 (2 resnets per up block; SD: 2, i.e. 3), 32 groups, mid-block
/// attention, 4 latent channels, f = 8. --widths and --layers select others (SD's full decoder: --widths
/// 128,256,512,512 --layers 2).
/// </summary>
public static class DecoderBench
{
    public static int Run(string[] args, int threads, TextWriter output)
    {
        var widths = (Value(args, "--widths") ?? "64,128,256,256").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var layers = Int(args, "--layers", 1);
        var tile = Int(args, "--tile", 64);
        var overlap = Int(args, "--overlap", 16);
        var repeats = Int(args, "--repeats", 2);
        var sizes = (Value(args, "--sizes") ?? "256,512,1024").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var modes = (Value(args, "--modes") ?? "untiled,tiled").Split(',');

        var folder = Path.Combine(Path.GetTempPath(), "jano-bench-vae-" + Guid.NewGuid().ToString("N"));
        try
        {
            var checkpoint = Path.Combine(folder, "vae");
            AutoencoderKlRandomCheckpoint.Write(AutoencoderKlRandomCheckpoint.Config(widths, layers), checkpoint, seed: 1);
            var graph = Path.Combine(folder, "decoder.onnx");
            AutoencoderKlExporter.Export(checkpoint, graph);
            var config = AutoencoderKlConfig.Load(Path.Combine(checkpoint, "config.json"));
            var parameters = AutoencoderKlWeights.ExpectedTensors(config).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
            var f = config.UpscaleFactor;

            output.WriteLine($"AutoencoderKL decoder, random weights: block_out_channels [{string.Join(", ", widths)}], layers_per_block {layers} " +
                             $"({layers + 1} resnets per up block), {config.NormNumGroups} groups, mid attention, {config.LatentChannels} latent channels, f = {f}; " +
                             $"{parameters / 1e6:F1} M decoder parameters ({new FileInfo(graph).Length / 1048576.0:F0} MiB graph)");
            output.WriteLine($"CPU provider, {threads} thread(s), {Environment.ProcessorCount} logical cores; tiles {tile} latents, overlap {overlap}; " +
                             $"median of {repeats} run(s) after one warm-up; each case in its own process");
            output.WriteLine($"{"output",-8} {"latents",-8} {"mode",-8} {"tiles",5} {"median ms",10} {"peak WS MiB",12} {"Δ MiB",8}");
            foreach (var size in sizes)
                foreach (var mode in modes)
                {
                    var latent = size / f;
                    var line = Child(["decoder-case", graph, latent.ToString(CultureInfo.InvariantCulture), mode,
                        tile.ToString(CultureInfo.InvariantCulture), overlap.ToString(CultureInfo.InvariantCulture),
                        repeats.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)]);
                    output.WriteLine($"{size + "²",-8} {latent + "²",-8} {mode,-8} {line}");
                }
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The child: one (size, mode) case; prints "tiles median peak delta" as one line.</summary>
    public static int RunCase(string[] args, TextWriter output)
    {
        var graph = args[1];
        var latent = int.Parse(args[2], CultureInfo.InvariantCulture);
        var tiling = args[3] == "tiled"
            ? new DecoderTiling { TileLatents = int.Parse(args[4], CultureInfo.InvariantCulture), OverlapLatents = int.Parse(args[5], CultureInfo.InvariantCulture) }
            : DecoderTiling.Off;
        var repeats = int.Parse(args[6], CultureInfo.InvariantCulture);
        var threads = int.Parse(args[7], CultureInfo.InvariantCulture);
        var component = new DecoderComponent { Kind = DecoderComponent.AutoencoderKl, Graph = Path.GetFileName(graph), ScalingFactor = 0.18215 };
        using var decoder = new AutoencoderKlDecoder(new OrtSessionFactory(new RuntimeOptions { Provider = "cpu", Threads = threads }), graph, component, tiling);
        var latents = new float[decoder.LatentChannels * latent * latent];
        var random = new Random(3);
        for (var i = 0; i < latents.Length; i++) latents[i] = (float)(random.NextDouble() * 2 - 1);

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        decoder.Decode(latents, latent, latent); // warm-up: ONNX Runtime plans and grows its arena on the first run of a shape
        var ms = new double[repeats];
        for (var r = 0; r < repeats; r++)
        {
            var start = Stopwatch.GetTimestamp();
            decoder.Decode(latents, latent, latent);
            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        process.Refresh();
        var peak = process.PeakWorkingSet64;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{decoder.LastRuns,5} {WallClock.Median(ms),10:F0} {peak / 1048576.0,12:F0} {(peak - baseline) / 1048576.0,8:F0}"));
        return 0;
    }

    private static string Child(string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Run as "dotnet Jano.Bench.dll" when the host is dotnet itself.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(DecoderBench).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        return child.ExitCode == 0 ? stdout.Result.Trim() : $"failed (exit {child.ExitCode}): {stderr.Result.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)}";
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
