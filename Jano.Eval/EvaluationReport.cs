using System.Text.Json;
using System.Text.Json.Serialization;
using Jano.Core.IO;

namespace Jano.Eval;

/// <summary>
/// The kNN classifier's verdict on the images generated for one class prompt, beside its accuracy on
/// the real test images of that class (some classes, shirts above all, are hard even when real).
/// </summary>
public sealed record ClassAccuracy(int Class, string Name, string Prompt, int Correct, int Total, double RealTestAccuracy, int[] PredictedCounts)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>The class other than this one that the generated images were most often taken for, or null if none.</summary>
    public int? MostConfusedWith
    {
        get
        {
            int? best = null;
            for (var c = 0; c < PredictedCounts.Length; c++)
                if (c != Class && PredictedCounts[c] > 0 && (best is null || PredictedCounts[c] > PredictedCounts[best.Value])) best = c;
            return best;
        }
    }
}

/// <summary>Fréchet distances in PCA space (squared, FID convention) to the real test set.</summary>
public sealed record FrechetDistances(
    double GeneratedVsTest,
    double TrainSampleVsTest,
    double TrainVsTest,
    int Components,
    double ExplainedVariance);

/// <summary>What was evaluated, for the report: filled in by the caller (the evaluator only sees a generator).</summary>
public sealed record EvaluatedModel(string Package, string? PackageSha256, int Steps, double Guidance, string Method);

/// <summary>Seconds spent on each part of an evaluation.</summary>
public sealed record EvaluationTimings(double GenerationSeconds, double MsPerImage, double RealTestClassificationSeconds, double PcaSeconds, double WallSeconds);

/// <summary>The outcome of <see cref="ModelEvaluator.Evaluate"/>.</summary>
public sealed record EvaluationReport
{
    public EvaluatedModel? Model { get; init; }
    public required string Dataset { get; init; }
    public required int K { get; init; }
    public required int SeedsPerClass { get; init; }
    public required long FirstSeed { get; init; }
    public required int TrainCount { get; init; }
    public required int TestCount { get; init; }
    public required IReadOnlyList<ClassAccuracy> Classes { get; init; }

    /// <summary>Mean of the per-class accuracies of generated images.</summary>
    public required double MeanAccuracy { get; init; }

    /// <summary>The same classifier on all real test images: what "recognisable" scores when real.</summary>
    public required double RealTestAccuracy { get; init; }

    public required FrechetDistances Frechet { get; init; }
    public required EvaluationTimings Timings { get; init; }

    /// <summary>The generated images [1, S, S] in [-1, 1], class by class, seeds in order within each.</summary>
    [JsonIgnore] public IReadOnlyList<float[]> Images { get; init; } = [];
    [JsonIgnore] public int ImageSize { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void SaveJson(string path) => AtomicFile.WriteAllText(path, ToJson());

    public void SaveMarkdown(string path) => AtomicFile.WriteAllText(path, EvaluationMarkdown.Render(this));
}
