using Jano.Train.Data;
using Jano.Train.Training;

namespace Jano.Train.Commands;

/// <summary>
/// train --out DIR [--captions DIR] [--resume] [--stop-at STEP] [--steps N] [--family pixart|flux]
/// [--dim D] [--layers L (PixArt)] [--double-layers N --single-layers N (FLUX)]
/// [--head-dim hd] [--batch B] [--lr LR] [--warmup N] [--ema DECAY] [--seed S] [--threads T]
/// [--log-every N] [--checkpoint-every N] [--sample-every N] [--data DIR]
/// </summary>
public static class TrainCommand
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv, "resume");
        string outDir = Path.GetFullPath(a.Required("out"));
        string captionDir = a.String("captions") ?? Path.Combine(outDir, "captions");
        var d = new TrainOptions();
        var options = new TrainOptions
        {
            Family = a.String("family") ?? d.Family,
            DoubleLayers = a.Int("double-layers", d.DoubleLayers), SingleLayers = a.Int("single-layers", d.SingleLayers),
            Dim = a.Int("dim", d.Dim), Layers = a.Int("layers", d.Layers), HeadDim = a.Int("head-dim", d.HeadDim),
            BatchSize = a.Int("batch", d.BatchSize), LearningRate = a.Double("lr", d.LearningRate),
            WarmupSteps = a.Int("warmup", d.WarmupSteps), EmaDecay = a.Double("ema", d.EmaDecay),
            Seed = a.Int("seed", d.Seed), Threads = a.Int("threads", d.Threads), MaxSteps = a.Long("steps") ?? d.MaxSteps,
            LogEvery = a.Int("log-every", d.LogEvery), CheckpointEvery = a.Int("checkpoint-every", d.CheckpointEvery),
            SampleEvery = a.Int("sample-every", d.SampleEvery),
        };
        bool resume = a.Flag("resume");
        long? stopAt = a.Long("stop-at");
        string dataDir = a.String("data") ?? FashionMnist.DefaultFolder;
        a.RejectUnknown();
        if (options.Family is not (Families.PixArt or Families.Flux))
            throw new ArgumentException($"--family {options.Family}: allowed are {Families.PixArt}, {Families.Flux}");

        var captions = CaptionCache.Load(captionDir);
        var data = FashionMnist.Load(dataDir, "train");
        Console.WriteLine($"{data.Count} training images, {captions.Captions.Count} captions (longest {captions.Mask.shape[1]} tokens)");
        new Trainer(outDir, captions, data).Run(options, resume, stopAt);
        return 0;
    }
}
