using System.Diagnostics;

namespace Jano.Eval;

/// <summary>
/// Judges a text-to-image model on Fashion-MNIST as docs/BENCHMARKS.md describes: for each class
/// prompt it generates SeedsPerClass images, crops them to the dataset's 28×28 frame and lets a kNN
/// classifier fitted on the real training images say which class each one shows. Per-class accuracy
/// is reported beside the same classifier's accuracy on real test images of that class, the honest
/// ceiling. Fréchet distances in PCA space add a distribution-level view (diversity and realism, not
/// only recognisability), with real-vs-real distances as the reference.
/// The model-independent part is computed on the first evaluation and reused for later ones.
/// </summary>
public sealed class ModelEvaluator
{
    private readonly LabelledImages _train;
    private readonly LabelledImages _test;
    private readonly string _datasetName;
    private EvaluationReference? _reference;

    public ModelEvaluator(FashionMnist data, EvaluationOptions? options = null)
        : this(data.Train, data.Test, options, data.Folder) { }

    /// <summary>Any 28×28 train/test sets labelled with the 10 Fashion-MNIST classes (tests use tiny synthetic ones).</summary>
    public ModelEvaluator(LabelledImages train, LabelledImages test, EvaluationOptions? options = null, string datasetName = "Fashion-MNIST")
    {
        Options = options ?? new EvaluationOptions();
        Options.Validate();
        foreach (var (set, name) in new[] { (train, "training"), (test, "test") })
            if (set.Rows != FashionMnist.ImageSize || set.Cols != FashionMnist.ImageSize)
                throw new ArgumentException($"the {name} images are {set.Rows}×{set.Cols}, expected {FashionMnist.ImageSize}×{FashionMnist.ImageSize}");
        if (train.Count < Options.K) throw new ArgumentException($"k = {Options.K} needs at least as many training images, got {train.Count}");
        _train = train;
        _test = test;
        _datasetName = datasetName;
    }

    public EvaluationOptions Options { get; }

    /// <summary>Evaluates any generator of one-channel imageSize × imageSize images in [-1, 1].</summary>
    public EvaluationReport Evaluate(ImageGenerator generate, int imageSize, Action<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(generate);
        if (imageSize < FashionMnist.ImageSize)
            throw new ArgumentException($"images of {imageSize}×{imageSize} are smaller than the {FashionMnist.ImageSize}×{FashionMnist.ImageSize} Fashion-MNIST frame");
        var wall = Stopwatch.GetTimestamp();
        var classes = FashionMnist.ClassCount;
        var seeds = Options.SeedsPerClass;
        var total = classes * seeds;

        // Generate first: it is the slow part and where a wrong model fails, before minutes of reference work.
        var images = new List<float[]>(total);
        var vectors = new float[total * FashionMnist.ImageSize * FashionMnist.ImageSize];
        var generationStart = Stopwatch.GetTimestamp();
        for (var c = 0; c < classes; c++)
            for (var s = 0; s < seeds; s++)
            {
                progress?.Invoke(new EvaluationProgress("generating", images.Count, total));
                var image = generate(FashionMnist.Prompts[c], Options.FirstSeed + s);
                if (image.Length != imageSize * imageSize)
                    throw new InvalidOperationException($"the generator returned {image.Length} values for '{FashionMnist.Prompts[c]}', expected one channel of {imageSize}×{imageSize}");
                FashionImageCrop.FromModelImage(image, imageSize).CopyTo(vectors, images.Count * FashionMnist.ImageSize * FashionMnist.ImageSize);
                images.Add(image);
            }
        progress?.Invoke(new EvaluationProgress("generating", total, total));
        var generationSeconds = Stopwatch.GetElapsedTime(generationStart).TotalSeconds;

        var reference = _reference ??= EvaluationReference.Build(_train, _test, Options, progress);
        var predicted = reference.Classifier.Classify(vectors, Options.Threads);
        var truth = Enumerable.Range(0, total).Select(i => i / seeds).ToArray();
        var results = Aggregate(predicted, truth, classes, reference.RealTestAccuracyPerClass);

        var generatedStats = GaussianStats.Of(reference.Pca.Project(vectors), reference.Pca.ComponentCount);
        return new EvaluationReport
        {
            Dataset = _datasetName,
            K = Options.K,
            SeedsPerClass = seeds,
            FirstSeed = Options.FirstSeed,
            TrainCount = _train.Count,
            TestCount = _test.Count,
            Classes = results,
            MeanAccuracy = results.Average(r => r.Accuracy),
            RealTestAccuracy = reference.RealTestAccuracy,
            Frechet = new FrechetDistances(
                FrechetDistance.Compute(generatedStats, reference.TestStats),
                reference.TrainSampleVsTest,
                reference.TrainVsTest,
                reference.Pca.ComponentCount,
                reference.Pca.ExplainedVariance),
            Timings = new EvaluationTimings(generationSeconds, 1000 * generationSeconds / total,
                reference.ClassificationSeconds, reference.PcaSeconds, Stopwatch.GetElapsedTime(wall).TotalSeconds),
            Images = images,
            ImageSize = imageSize,
        };
    }

    /// <summary>Per-class counts of correct and predicted classes for generated images whose true class is <paramref name="truth"/>.</summary>
    public static IReadOnlyList<ClassAccuracy> Aggregate(int[] predicted, int[] truth, int classes, double[] realTestAccuracy)
    {
        if (predicted.Length != truth.Length) throw new ArgumentException("one prediction per image is needed");
        var results = new List<ClassAccuracy>(classes);
        for (var c = 0; c < classes; c++)
        {
            var counts = new int[classes];
            var n = 0;
            for (var i = 0; i < truth.Length; i++)
            {
                if (truth[i] != c) continue;
                n++;
                if (predicted[i] >= 0 && predicted[i] < classes) counts[predicted[i]]++;
            }
            results.Add(new ClassAccuracy(c, FashionMnist.ClassNames[c], FashionMnist.Prompts[c], counts[c], n, realTestAccuracy[c], counts));
        }
        return results;
    }
}
