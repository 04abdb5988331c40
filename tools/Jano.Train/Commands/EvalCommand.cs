using Jano.Train.Data;
using Jano.Train.Export;
using Jano.Train.Sampling;
using static TorchSharp.torch;

namespace Jano.Train.Commands;

/// <summary>
/// eval --model EXPORT_DIR --captions DIR [--per-class 20] [--steps 25] [--guidance 4] [--shift 2]
/// [--seed 0] [--threads 2] [--grid FILE.png]: generates images of each canonical class prompt and
/// reports the accuracy of the pixel-space kNN (fitted on the real train set) on them, per class and
/// mean, beside the same classifier's accuracy on real test images.
/// </summary>
public static class EvalCommand
{
    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        string modelDir = a.Required("model");
        var captions = CaptionCache.Load(a.Required("captions"));
        int perClass = a.Int("per-class", 20), steps = a.Int("steps", 25), seed = a.Int("seed", 0), threads = a.Int("threads", 2);
        double guidance = a.Double("guidance", 4.0), shift = a.Double("shift", 2.0);
        string? grid = a.String("grid");
        string dataDir = a.String("data") ?? FashionMnist.DefaultFolder;
        a.RejectUnknown();
        set_num_threads(threads);

        var model = DiffusersExport.Read(modelDir);
        var train = FashionMnist.Load(dataDir, "train");
        var knn = new KnnClassifier(train.Images, train.Labels);
        var test = FashionMnist.Load(dataDir, "t10k");
        using (var subset = test.Images[..2000])
        {
            var predicted = knn.Predict(subset);
            double real = predicted.Select((p, i) => p == test.Labels[i] ? 1.0 : 0.0).Average();
            Console.WriteLine($"kNN on 2000 real test images: {real:P1}");
        }

        using var generator = new Generator((ulong)seed);
        var accuracies = new double[10];
        var all = new List<Tensor>();
        for (int label = 0; label < 10; label++)
        {
            var prompts = Enumerable.Repeat(Captions.Canonical[label], perClass).ToArray();
            var images = EulerSampler.Sample(model, captions, prompts, steps, guidance, shift, generator);
            accuracies[label] = knn.Predict(images).Count(p => p == label) / (double)perClass;
            Console.WriteLine($"  {Captions.Canonical[label],-20} {accuracies[label]:P0}");
            all.Add(images[..Math.Min(perClass, 10)]);
        }
        Console.WriteLine($"mean kNN accuracy on generated images ({perClass}/class, {steps} steps, guidance {guidance}, shift {shift}): {accuracies.Average():P1}");
        if (grid is not null)
            ImageGrid.Save(grid, cat(all.ToArray()), cols: Math.Min(perClass, 10));
        return 0;
    }
}
