using System.Text.Json;
using Jano.Eval;

namespace Jano.Tests.Eval;

/// <summary>
/// The evaluator's bookkeeping with a fake generator on a tiny synthetic data set: the generator
/// draws each class's pattern, except that "a shirt" gets the T-shirt pattern, so every number of the
/// report is known in advance.
/// </summary>
public class ModelEvaluatorTests
{
    private const int Shirt = 6, TShirt = 0;

    // One evaluation shared by the tests: the reference part (kNN, PCA) is the slow bit.
    private ModelEvaluator _evaluator = null!;
    private EvaluationReport _report = null!;
    private readonly List<(string Prompt, long Seed)> _calls = [];
    private readonly List<EvaluationProgress> _stages = [];

    [OneTimeSetUp]
    public void EvaluateOnce()
    {
        _evaluator = new ModelEvaluator(SyntheticFashion.Set(perClass: 5, seed: 1), SyntheticFashion.Set(perClass: 3, seed: 2),
            new EvaluationOptions { SeedsPerClass = 3, FirstSeed = 10, K = 3, PcaComponents = 8, Threads = 2 }, "synthetic");
        _report = _evaluator.Evaluate((p, s) => { _calls.Add((p, s)); return FakeModel(p, s); }, 32, _stages.Add);
    }

    private static float[] FakeModel(string prompt, long seed)
    {
        var c = FashionMnist.Prompts.ToList().IndexOf(prompt);
        return SyntheticFashion.ModelImage(c == Shirt ? TShirt : c);
    }

    [Test]
    public void ScoresEachClassPromptAndReportsTheReference()
    {
        var (report, calls, stages) = (_report, _calls, _stages);
        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.Count.EqualTo(30));
            Assert.That(calls.Take(3), Is.EqualTo(new[] { ("a t-shirt", 10L), ("a t-shirt", 11L), ("a t-shirt", 12L) }), "same seeds for every class, class by class");
            Assert.That(calls[^1], Is.EqualTo(("an ankle boot", 12L)));
            Assert.That(report.Classes.Select(c => c.Accuracy), Is.EqualTo(Enumerable.Range(0, 10).Select(c => c == Shirt ? 0.0 : 1.0)));
            Assert.That(report.Classes[Shirt].PredictedCounts[TShirt], Is.EqualTo(3));
            Assert.That(report.Classes[Shirt].MostConfusedWith, Is.EqualTo(TShirt));
            Assert.That(report.Classes[TShirt].MostConfusedWith, Is.Null);
            Assert.That(report.MeanAccuracy, Is.EqualTo(0.9).Within(1e-12));
            Assert.That(report.RealTestAccuracy, Is.EqualTo(1.0), "the synthetic classes are separable");
            Assert.That(report.Classes.Select(c => c.RealTestAccuracy), Is.All.EqualTo(1.0));
            Assert.That(report.TrainCount, Is.EqualTo(50));
            Assert.That(report.TestCount, Is.EqualTo(30));
            Assert.That(report.Images, Has.Count.EqualTo(30));
            Assert.That(report.ImageSize, Is.EqualTo(32));
            Assert.That(stages.Select(s => s.Stage).Distinct(), Is.EqualTo(new[] { "generating", "classifying real test images", "fitting PCA" }));
            Assert.That(stages.Where(s => s.Stage == "generating").Last(), Is.EqualTo(new EvaluationProgress("generating", 30, 30)));
        });

        var f = report.Frechet;
        Assert.Multiple(() =>
        {
            Assert.That(f.Components, Is.EqualTo(8));
            Assert.That(new[] { f.GeneratedVsTest, f.TrainSampleVsTest, f.TrainVsTest }, Is.All.GreaterThanOrEqualTo(0).And.All.Matches<double>(double.IsFinite));
            // Noiseless images with a shirt missing and a double share of T-shirts are further from the test set than real samples.
            Assert.That(f.GeneratedVsTest, Is.GreaterThan(f.TrainSampleVsTest));
        });
    }

    [Test]
    public void ReferenceWorkIsDoneOnceForSeveralModels()
    {
        var stages = new List<string>();
        var second = _evaluator.Evaluate(FakeModel, 32, p => stages.Add(p.Stage));
        Assert.That(stages.Distinct(), Is.EqualTo(new[] { "generating" }));
        Assert.That(second.RealTestAccuracy, Is.EqualTo(1.0));
    }

    [Test]
    public void AggregationCountsPredictionsPerTrueClass()
    {
        int[] truth = [0, 0, 0, 1, 1, 2];
        int[] predicted = [0, 2, 2, 1, 0, 2];
        var real = new double[10];
        var results = ModelEvaluator.Aggregate(predicted, truth, 10, real);
        Assert.Multiple(() =>
        {
            Assert.That(results[0].Correct, Is.EqualTo(1));
            Assert.That(results[0].Total, Is.EqualTo(3));
            Assert.That(results[0].MostConfusedWith, Is.EqualTo(2));
            Assert.That(results[1].Accuracy, Is.EqualTo(0.5));
            Assert.That(results[2].Accuracy, Is.EqualTo(1.0));
            Assert.That(results[3].Total, Is.EqualTo(0));
            Assert.That(results[3].Accuracy, Is.EqualTo(0));
        });
    }

    [Test]
    public void MarkdownAndJsonCarryTheNumbers()
    {
        var report = _report with { Model = new EvaluatedModel("models/x", null, 20, 4.5, "dense") };
        var markdown = EvaluationMarkdown.Render(report);
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("| Shirt | a shirt | 0.0% (0/3) | 100.0% | T-shirt/top (3) |"));
            Assert.That(markdown, Does.Contain("| **mean** | | **90.0%** | **100.0%** | |"));
            Assert.That(markdown, Does.Contain("Model: models/x (dense, 20 steps, guidance 4.5)."));
            Assert.That(markdown, Does.Contain("seeds 10–12").And.Contain("3-nearest-neighbour"));
        });
        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.That(root.GetProperty("meanAccuracy").GetDouble(), Is.EqualTo(0.9).Within(1e-12));
        Assert.That(root.GetProperty("classes")[Shirt].GetProperty("predictedCounts")[TShirt].GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("frechet").GetProperty("components").GetInt32(), Is.EqualTo(8));
        Assert.That(root.TryGetProperty("images", out _), Is.False, "pixels go to the PNG, not the JSON");
    }

    [Test]
    public void WrongImagesAreClearErrors()
    {
        var evaluator = _evaluator;
        Assert.That(Assert.Throws<ArgumentException>(() => evaluator.Evaluate(FakeModel, 16))!.Message, Does.Contain("smaller than the 28×28"));
        Assert.That(Assert.Throws<InvalidOperationException>(() => evaluator.Evaluate((_, _) => new float[10], 32))!.Message, Does.Contain("returned 10 values"));
    }
}
