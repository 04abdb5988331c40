using System.Globalization;
using System.Text;

namespace Jano.Eval;

/// <summary>Renders an <see cref="EvaluationReport"/> as Markdown: the per-class table, the reference accuracy, Fréchet distances, timings.</summary>
public static class EvaluationMarkdown
{
    public static string Render(EvaluationReport r)
    {
        var s = new StringBuilder();
        void Line(FormattableString text) => s.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"# Model evaluation on Fashion-MNIST");
        Line($"");
        if (r.Model is { } m)
            Line($"Model: {m.Package} ({m.Method}, {m.Steps} steps, guidance {m.Guidance}).");
        Line($"{r.SeedsPerClass} images per class prompt (seeds {r.FirstSeed}–{r.FirstSeed + r.SeedsPerClass - 1}), judged by a {r.K}-nearest-neighbour classifier in pixel space fitted on the {r.TrainCount} real training images ({r.Dataset}).");
        Line($"");
        Line($"| class | prompt | accuracy | real test accuracy | most often taken for |");
        Line($"|---|---|---:|---:|---|");
        foreach (var c in r.Classes)
        {
            var confused = c.MostConfusedWith is { } other ? $"{FashionMnist.ClassNames[other]} ({c.PredictedCounts[other]})" : "–";
            Line($"| {c.Name} | {c.Prompt} | {Percent(c.Accuracy)} ({c.Correct}/{c.Total}) | {Percent(c.RealTestAccuracy)} | {confused} |");
        }
        Line($"| **mean** | | **{Percent(r.MeanAccuracy)}** | **{Percent(r.RealTestAccuracy)}** | |");
        Line($"");
        Line($"Classifier accuracy on the {r.TestCount} real test images: {Percent(r.RealTestAccuracy)}.");
        Line($"");
        var f = r.Frechet;
        var generated = r.Classes.Sum(c => c.Total);
        Line($"Fréchet distance in PCA space ({f.Components} components of the training images, {Percent(f.ExplainedVariance)} of their pixel variance; squared, lower is better):");
        Line($"");
        Line($"| sets | Fréchet distance |");
        Line($"|---|---:|");
        Line($"| generated ({generated}) vs real test ({r.TestCount}) | {f.GeneratedVsTest:F3} |");
        Line($"| real train sample, same size and class balance ({generated}) vs real test | {f.TrainSampleVsTest:F3} |");
        Line($"| real train ({r.TrainCount}) vs real test | {f.TrainVsTest:F3} |");
        Line($"");
        Line($"Compare the generated images with the equal-sized real sample: estimated from few images the distance is biased upwards.");
        Line($"");
        var t = r.Timings;
        Line($"Time: generation {t.GenerationSeconds:F1} s ({t.MsPerImage:F1} ms/image), real test classification {t.RealTestClassificationSeconds:F1} s, PCA {t.PcaSeconds:F1} s, total {t.WallSeconds:F1} s.");
        return s.ToString();
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
