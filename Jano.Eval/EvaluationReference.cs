namespace Jano.Eval;

/// <summary>
/// Everything an evaluation needs that does not depend on the model: the classifier, its accuracy on
/// the real test set (overall and per class), the PCA features, the real sets' feature statistics and
/// their Fréchet distances. Built once per evaluator and shared by every model it evaluates.
/// </summary>
internal sealed class EvaluationReference
{
    public required NearestNeighbourClassifier Classifier { get; init; }
    public required double RealTestAccuracy { get; init; }
    public required double[] RealTestAccuracyPerClass { get; init; }
    public required PcaFeatures Pca { get; init; }
    public required GaussianStats TestStats { get; init; }
    public required double TrainSampleVsTest { get; init; }
    public required double TrainVsTest { get; init; }
    public required double ClassificationSeconds { get; init; }
    public required double PcaSeconds { get; init; }

    /// <summary>Test images classified per progress report.</summary>
    private const int ProgressChunk = 1000;

    public static EvaluationReference Build(LabelledImages train, LabelledImages test, EvaluationOptions options, Action<EvaluationProgress>? progress)
    {
        var trainVectors = train.ToVectors();
        var classifier = new NearestNeighbourClassifier(trainVectors, train.LabelIndices(), train.PixelsPerImage, options.K);

        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var testVectors = test.ToVectors();
        var testLabels = test.LabelIndices();
        var predicted = new int[test.Count];
        for (var done = 0; done < test.Count; done += ProgressChunk)
        {
            progress?.Invoke(new EvaluationProgress("classifying real test images", done, test.Count));
            var n = Math.Min(ProgressChunk, test.Count - done);
            var chunk = testVectors.AsSpan(done * test.PixelsPerImage, n * test.PixelsPerImage).ToArray();
            classifier.Classify(chunk, options.Threads).CopyTo(predicted, done);
        }
        progress?.Invoke(new EvaluationProgress("classifying real test images", test.Count, test.Count));
        var classificationSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        var (overall, perClass) = Accuracy(predicted, testLabels, FashionMnist.ClassCount);

        start = System.Diagnostics.Stopwatch.GetTimestamp();
        progress?.Invoke(new EvaluationProgress("fitting PCA", 0, 1));
        var pca = PcaFeatures.Fit(trainVectors, train.PixelsPerImage, options.PcaComponents, options.Threads);
        var trainStats = GaussianStats.Of(pca.Project(trainVectors), pca.ComponentCount);
        var testStats = GaussianStats.Of(pca.Project(testVectors), pca.ComponentCount);
        var sample = BalancedSample(train, options.SeedsPerClass, FashionMnist.ClassCount);
        var sampleStats = GaussianStats.Of(pca.Project(sample.ToVectors()), pca.ComponentCount);
        progress?.Invoke(new EvaluationProgress("fitting PCA", 1, 1));

        return new EvaluationReference
        {
            Classifier = classifier,
            RealTestAccuracy = overall,
            RealTestAccuracyPerClass = perClass,
            Pca = pca,
            TestStats = testStats,
            TrainSampleVsTest = FrechetDistance.Compute(sampleStats, testStats),
            TrainVsTest = FrechetDistance.Compute(trainStats, testStats),
            ClassificationSeconds = classificationSeconds,
            PcaSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds,
        };
    }

    /// <summary>Overall accuracy and accuracy within each true class (NaN for a class with no items).</summary>
    public static (double Overall, double[] PerClass) Accuracy(int[] predicted, int[] truth, int classes)
    {
        var correct = new int[classes];
        var total = new int[classes];
        for (var i = 0; i < truth.Length; i++)
        {
            total[truth[i]]++;
            if (predicted[i] == truth[i]) correct[truth[i]]++;
        }
        var perClass = new double[classes];
        for (var c = 0; c < classes; c++) perClass[c] = total[c] == 0 ? double.NaN : (double)correct[c] / total[c];
        return (truth.Length == 0 ? double.NaN : (double)correct.Sum() / truth.Length, perClass);
    }

    /// <summary>
    /// A random (fixed seed) sample of the training set with <paramref name="perClass"/> images of each
    /// class: the real counterpart of the generated set, same size and class balance, so that its
    /// Fréchet distance to the test set carries the same small-sample bias.
    /// </summary>
    public static LabelledImages BalancedSample(LabelledImages train, int perClass, int classes)
    {
        var random = new Random(0);
        var indices = new List<int>();
        for (var c = 0; c < classes; c++)
        {
            var members = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == c).ToArray();
            random.Shuffle(members);
            indices.AddRange(members.Take(perClass));
        }
        return train.Subset(indices);
    }
}
