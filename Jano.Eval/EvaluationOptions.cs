namespace Jano.Eval;

/// <summary>How a model is evaluated: images per class prompt, the classifier's k, the PCA size, threads.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Images generated per class prompt, with seeds FirstSeed, FirstSeed + 1, … (the same seeds for every class).</summary>
    public int SeedsPerClass { get; init; } = 20;
    public long FirstSeed { get; init; }
    public int K { get; init; } = NearestNeighbourClassifier.DefaultK;
    public int PcaComponents { get; init; } = PcaFeatures.DefaultComponents;

    /// <summary>Threads for classification and PCA; 0 = all cores.</summary>
    public int Threads { get; init; }

    public void Validate()
    {
        if (SeedsPerClass < 1 || SeedsPerClass > 10_000) throw new ArgumentException($"seeds per class must be between 1 and 10000, got {SeedsPerClass}");
        if (K < 1 || K > 1000) throw new ArgumentException($"k must be between 1 and 1000, got {K}");
        if (PcaComponents < 1 || PcaComponents > FashionMnist.ImageSize * FashionMnist.ImageSize)
            throw new ArgumentException($"PCA components must be between 1 and {FashionMnist.ImageSize * FashionMnist.ImageSize}, got {PcaComponents}");
        if (Threads < 0) throw new ArgumentException("threads must be ≥ 0");
    }
}

/// <summary>Generates one image [1, S, S] in [-1, 1] for a prompt and seed.</summary>
public delegate float[] ImageGenerator(string prompt, long seed);

/// <summary>Where an evaluation is: a stage and how much of it is done.</summary>
public readonly record struct EvaluationProgress(string Stage, int Done, int Total);
