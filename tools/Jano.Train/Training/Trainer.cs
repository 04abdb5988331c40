using System.Diagnostics;
using System.Runtime.InteropServices;
using Jano.Train.Data;
using Jano.Train.Export;
using Jano.Train.Model;
using Jano.Train.Sampling;
using static TorchSharp.torch;

namespace Jano.Train.Training;

/// <summary>
/// The training loop: AdamW on the rectified-flow loss, EMA after every step, and every so often a log
/// line, a checkpoint (resume state + the EMA weights exported in diffusers layout) and a sample grid.
/// SIGTERM/SIGINT finish the current step and save, so stopping a run loses nothing.
/// </summary>
public sealed class Trainer(string runDir, CaptionCache captions, FashionMnist data)
{
    public void Run(TrainOptions requested, bool resume, long? stopAt)
    {
        Directory.CreateDirectory(runDir);
        string? resumeDir = resume ? Checkpoint.Find(runDir) : null;
        if (resume && resumeDir is null)
            Console.WriteLine($"no checkpoint in {runDir}; starting fresh");
        var state = resumeDir is null ? null : Checkpoint.ReadState(resumeDir);
        // A resumed run keeps the options it was started with, except how long it runs and how often it reports.
        var options = state is null ? requested : state.Options with
        {
            MaxSteps = requested.MaxSteps, Threads = requested.Threads, LogEvery = requested.LogEvery,
            CheckpointEvery = requested.CheckpointEvery, SampleEvery = requested.SampleEvery,
        };
        set_num_threads(options.Threads);
        manual_seed(options.Seed + (state?.Step ?? 0)); // fresh noise stream after a resume; the data order is step-determined

        var model = options.CreateModel();
        model.InitializeForTraining();
        var emaModel = options.CreateModel();
        var ema = new Ema(model, emaModel, options.EmaDecay);
        var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 0);
        long step = 0;
        double elapsedBefore = 0;
        if (state is not null)
        {
            Checkpoint.Load(resumeDir!, model, emaModel, optimizer);
            step = state.Step;
            elapsedBefore = state.ElapsedSeconds;
            Console.WriteLine($"resumed from {resumeDir} at step {step}");
        }
        else
        {
            ema.CopyFromLive();
        }
        long parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"model {options.ShapeText}: {parameters / 1e6:F2} M parameters; batch {options.BatchSize}, lr {options.LearningRate}, threads {options.Threads}");

        var batches = new BatchSampler(data, captions, options.BatchSize, options.Seed);
        var log = new LossLog(Path.Combine(runDir, "loss.csv"));
        long end = Math.Min(options.MaxSteps, stopAt ?? long.MaxValue);
        bool stopRequested = false;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopRequested = true; });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopRequested = true; });

        var total = Stopwatch.StartNew();
        var interval = Stopwatch.StartNew();
        double lossSum = 0;
        int lossCount = 0;
        void Save()
        {
            Checkpoint.Save(runDir, model, emaModel, optimizer, new Checkpoint.State(step, options, elapsedBefore + total.Elapsed.TotalSeconds));
            DiffusersExport.Write(Path.Combine(runDir, "export"), emaModel);
        }

        model.train();
        while (step < end && !stopRequested)
        {
            using (NewDisposeScope())
            {
                var (x, c, m) = batches.Get(step);
                double lr = options.LearningRateAt(step);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = RectifiedFlow.Loss(model, x, c, m);
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), options.GradClip);
                optimizer.step();
                ema.Update(step);
                step++;
                lossSum += loss.item<float>();
                lossCount++;

                if (step % options.LogEvery == 0)
                {
                    double rate = lossCount * options.BatchSize / interval.Elapsed.TotalSeconds;
                    double elapsed = elapsedBefore + total.Elapsed.TotalSeconds;
                    Console.WriteLine($"step {step} loss {lossSum / lossCount:F4} lr {lr:G3} {rate:F1} samples/s elapsed {elapsed / 60:F1} min");
                    log.Append(step, lossSum / lossCount, lr, rate, elapsed);
                    lossSum = 0;
                    lossCount = 0;
                    interval.Restart();
                }
            }
            if (step % options.CheckpointEvery == 0)
                Save();
            if (step % options.SampleEvery == 0)
                WriteSamples(emaModel, step);
        }
        Save();
        Console.WriteLine(stopRequested ? $"stopped at step {step}; checkpoint saved" : $"finished at step {step}");
    }

    private void WriteSamples(FlowModel ema, long step)
    {
        var sw = Stopwatch.StartNew();
        ema.eval();
        var prompts = Enumerable.Repeat(Captions.Canonical, 4).SelectMany(p => p).ToArray(); // 4 rows × 10 classes
        using var generator = new Generator(0UL); // same noise every time: grids are comparable across steps
        using var images = EulerSampler.Sample(ema, captions, prompts, steps: 25, guidance: 4.0, shift: 2.0, generator);
        ImageGrid.Save(Path.Combine(runDir, "samples", $"step_{step:D7}.png"), images, cols: 10);
        Console.WriteLine($"samples for step {step} written ({sw.Elapsed.TotalSeconds:F0} s)");
    }
}
