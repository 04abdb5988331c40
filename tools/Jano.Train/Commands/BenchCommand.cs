using System.Diagnostics;
using Jano.Train.Model;
using Jano.Train.Training;
using static TorchSharp.torch;

namespace Jano.Train.Commands;

/// <summary>
/// bench [--sizes 128x6,192x6,256x6] [--head-dim 64] [--batch 64] [--steps 8] [--threads 2]: training
/// throughput (samples/s, full AdamW steps on random data of the real shapes) per model size "DxL".
/// </summary>
public static class BenchCommand
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        var sizes = (a.String("sizes") ?? "128x6,192x6,256x6").Split(',');
        int headDim = a.Int("head-dim", 64), batch = a.Int("batch", 64), steps = a.Int("steps", 8), threads = a.Int("threads", 2);
        a.RejectUnknown();
        set_num_threads(threads);
        manual_seed(0);

        foreach (var size in sizes)
        {
            var parts = size.Split('x');
            int dim = int.Parse(parts[0]), layers = int.Parse(parts[1]);
            var config = new PixArtConfig(32, 2, 1, 1, layers, dim / headDim, headDim);
            var model = new PixArtTransformer(config);
            Initializer.Apply(model);
            var optimizer = optim.AdamW(model.parameters(), lr: 1e-4);
            var x = randn(batch, 1, 32, 32);
            var caption = randn(batch, 8, 384);
            var mask = ones(batch, 8);
            void Step()
            {
                using var _ = NewDisposeScope();
                optimizer.zero_grad();
                RectifiedFlow.Loss(model, x, caption, mask).backward();
                optimizer.step();
            }
            Step(); Step(); // warm-up: allocator and kernel selection
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step();
            double rate = steps * batch / sw.Elapsed.TotalSeconds;
            process.Refresh();
            // Per CPU-second: on a machine shared with other builds, wall-clock rates swing with their
            // load; CPU time measures the model's cost (×threads ≈ the rate on an idle machine).
            double perCpuSecond = steps * batch / (process.TotalProcessorTime - cpu0).TotalSeconds;
            long parameters = model.parameters().Sum(p => p.numel());
            Console.WriteLine($"D={dim} L={layers} H={config.NumHeads} params={parameters / 1e6:F2}M batch={batch} threads={threads}: {rate:F1} samples/s wall ({sw.Elapsed.TotalSeconds / steps:F2} s/step), {perCpuSecond:F1} samples per CPU-second");
            model.Dispose();
        }
        return 0;
    }
}
