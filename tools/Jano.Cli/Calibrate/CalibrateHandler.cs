using System.Globalization;
using Jano.Cli.Bench;
using Jano.Cli.CommandLine;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Acceleration;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Calibrate;

/// <summary>
/// `jano calibrate`: records dense runs of a package (each step's model input change and guided output
/// change), fits TeaCache's rescaling polynomial by least squares and writes it, with the sample count,
/// step counts and the fit's RMS, into the package's manifest as acceleration.teaCache (atomically;
/// nothing else in the manifest changes, so dense and Jano images stay as they were).
/// </summary>
public static class CalibrateHandler
{
    public static int Run(CalibrateSettings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Problem() is { } problem)
        {
            stderr.WriteLine($"jano calibrate: {problem}");
            return 2;
        }
        try
        {
            var promptLines = BenchPrompts.Load(settings.PromptsFile);
            var prompts = promptLines.Select(p => p.Text).ToList();
            var folder = settings.Package ?? DefaultModel.Locate();
            TeaCacheCalibrationData calibration;
            using (var pipeline = TextToImagePipeline.Open(folder, new RuntimeOptions { Threads = settings.Threads, Provider = settings.Provider }))
            {
                BenchPrompts.CheckAll(pipeline, promptLines, settings.PromptsFile); // every line before the first run
                var steps = settings.Steps.Count > 0 ? settings.Steps : [pipeline.Package.Manifest.Defaults.Steps];
                var needed = settings.Degree + 1;
                var samples = prompts.Count * settings.Seeds * steps.Sum(s => s - 2); // every step but the first and the last
                if (samples < needed)
                {
                    stderr.WriteLine($"jano calibrate: {prompts.Count} prompts × {settings.Seeds} seeds × (steps − 2) give {samples} samples; a degree-{settings.Degree} fit needs at least {needed}: add seeds or steps");
                    return 2;
                }
                stderr.WriteLine($"recording {prompts.Count} prompts × {settings.Seeds} seeds at {string.Join(", ", steps)} steps, dense");
                if (settings.SamplesFile is { } samplesFile) OutputPath.EnsureFolderWritable(Path.GetDirectoryName(Path.GetFullPath(samplesFile))!, samplesFile, "the samples");
                var progress = CliProgress.For(stderr, "calibrate", "runs");
                var recorder = TeaCacheRecording.Record(pipeline, prompts, settings.Seeds, steps, settings.Guidance, (done, total) => progress.Report(done, total));
                var recorded = TeaCacheRecording.DecisionSamples(recorder);
                if (settings.SamplesFile is { } path) CalibrationSamplesTsv.Write(path, recorder);
                var coefficients = TeaCacheCalibration.Fit(recorded, settings.Degree);
                calibration = new TeaCacheCalibrationData
                {
                    Coefficients = [.. coefficients],
                    Samples = recorded.Count,
                    Steps = [.. steps],
                    Rms = TeaCacheCalibration.Rms(coefficients, recorded),
                };
                Print(stdout, recorded, calibration);
            }
            if (settings.DryRun)
            {
                stdout.WriteLine("dry run: the manifest is unchanged");
                return 0;
            }
            ManifestEditor.SetTeaCache(folder, calibration);
            stdout.WriteLine($"wrote acceleration.teaCache into {Path.Combine(folder, ModelManifest.FileName)}");
            return 0;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"jano calibrate: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            stderr.WriteLine($"jano calibrate: {e.Message}");
            return 1;
        }
    }

    private static void Print(TextWriter stdout, List<(double InputChange, double OutputChange)> samples, TeaCacheCalibrationData c)
    {
        var inv = CultureInfo.InvariantCulture;
        var xs = samples.Select(s => s.InputChange).ToList();
        var ys = samples.Select(s => s.OutputChange).ToList();
        stdout.WriteLine(string.Create(inv, $"{c.Samples} samples: input change {xs.Min():G4} .. {xs.Max():G4}, output change {ys.Min():G4} .. {ys.Max():G4} (mean {ys.Average():G4})"));
        stdout.WriteLine($"coefficients (highest degree first): {string.Join(", ", c.Coefficients.Select(v => v.ToString("R", inv)))}");
        stdout.WriteLine(string.Create(inv, $"fit RMS {c.Rms:G4}"));
    }
}
