using System.CommandLine;
using System.Globalization;
using Jano.Cli.CommandLine;
using Jano.Runtime;
using Jano.Eval;
using Jano.Runtime.Imaging;
using Jano.Core.IO;
using Jano.Runtime.Pipeline;

namespace Jano.Cli;

/// <summary>
/// `jano eval`: the quality of a model on Fashion-MNIST (see <see cref="ModelEvaluator"/>). Prints the
/// Markdown report and writes it, a JSON with the same numbers and a PNG grid of every generated image
/// (one row per class, one column per seed) next to each other: report.md, report.json, report.png.
/// Generation is dense unless --jano or a Jano option is given.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = ModelOption.Create();
        var seeds = CliOptions.Int("--seeds", "Images per class (10 classes)", 20, 1, 10_000, OptionGroups.Evaluation);
        var firstSeed = CliOptions.Int("--seed", "The first seed; class c, image i uses seed FIRST + i", 0, 0, int.MaxValue - 10_000, OptionGroups.Evaluation);
        var k = CliOptions.Int("--k", "Neighbours of the kNN classifier", NearestNeighbourClassifier.DefaultK, 1, 1000, OptionGroups.Evaluation);
        var pca = CliOptions.Int("--pca", "PCA components of the features", PcaFeatures.DefaultComponents, 1, FashionMnist.ImageSize * FashionMnist.ImageSize, OptionGroups.Evaluation);
        var data = CliOptions.Text("--data", "The Fashion-MNIST folder (Debian: apt-get install dataset-fashion-mnist)", "DIR", OptionGroups.Input, FashionMnist.DefaultFolder);
        var steps = CliOptions.OptionalInt("--steps", "Denoising steps (default: the package's)", 1, 10_000, OptionGroups.Generation);
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale (default: the package's)", 0, 1000, OptionGroups.Generation);
        var jano = new JanoFlags();
        var threads = new RuntimeFlags("auto").Threads;
        var output = CliOptions.Text("--out", "The report to write (.md; .json and .png beside it)", "FILE.md", OptionGroups.Output, "eval.md");
        var command = new Command("eval", "Quality of a Fashion-MNIST model: kNN accuracy of generated images per class and the Fréchet distance (dense unless --jano)")
        {
            model, seeds, firstSeed, k, pca, data, steps, guidance,
        };
        jano.AddTo(command);
        command.Options.Add(threads);
        command.Options.Add(output);
        CliAction.Set(command, (parse, stdout, stderr) => Run(new Settings
        {
            Model = parse.GetValue(model),
            Options = new EvaluationOptions
            {
                SeedsPerClass = parse.GetValue(seeds),
                FirstSeed = parse.GetValue(firstSeed),
                K = parse.GetValue(k),
                PcaComponents = parse.GetValue(pca),
                Threads = parse.GetValue(threads),
            },
            Steps = parse.GetValue(steps),
            Guidance = parse.GetValue(guidance),
            DataFolder = parse.GetValue(data)!,
            Output = parse.GetValue(output)!,
            Jano = jano.Read(parse),
        }, stdout, stderr));
        return command;
    }

    public sealed record Settings
    {
        public string? Model { get; init; }
        public required EvaluationOptions Options { get; init; }
        public int? Steps { get; init; }
        public double? Guidance { get; init; }
        public required string DataFolder { get; init; }
        public required string Output { get; init; }
        public required JanoFlags.Values Jano { get; init; }
    }

    public static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        var (model, options, steps, guidance, dataFolder, output, janoFlags) = (s.Model, s.Options, s.Steps, s.Guidance, s.DataFolder, s.Output, s.Jano);
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var template = new GenerationRequest { Prompt = FashionMnist.Prompts[0], Steps = steps, Guidance = guidance };
        template.Validate(); // before loading anything: bad input fails fast
        if (!output.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must name a .md file, got '{output}'");
        var jsonPath = Path.ChangeExtension(output, ".json");
        var pngPath = Path.ChangeExtension(output, ".png");
        if (Directory.Exists(output)) throw new IOException($"{output}: the output path is a folder; give a file name such as {Path.Combine(output, "eval.md")}");
        OutputPath.EnsureWritable(pngPath);
        if (Directory.Exists(jsonPath)) throw new IOException($"{jsonPath}: the report's JSON path is a folder; give --out another name");

        var data = FashionMnist.Load(dataFolder);
        using var pipeline = TextToImagePipeline.Open(model ?? DefaultModel.Locate(), new RuntimeOptions { Threads = options.Threads });
        var manifest = pipeline.Package.Manifest;
        // Dense unless Jano is asked for: the report should describe the model itself; an evaluation with
        // --jano beside it shows what the schedule costs in quality. (`generate` follows the package default.)
        var jano = janoFlags.Explicit ? janoFlags.Resolve(manifest) : null;
        jano?.Validate(steps ?? manifest.Defaults.Steps, manifest.Geometry.Height, manifest.Geometry.Width);

        var progress = new StageProgress(stderr);
        var report = new ModelEvaluator(data, options).Evaluate(pipeline, template with { Jano = jano }, progress.Report);

        var markdown = EvaluationMarkdown.Render(report);
        FilePair.WriteAllText(output, markdown, jsonPath, report.ToJson()); // both or neither
        ImageWriter.SavePng(pngPath, report.Images, 1, report.ImageSize, report.ImageSize, columns: options.SeedsPerClass);
        stdout.Write(markdown);
        stdout.WriteLine();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {output}, {jsonPath}, {pngPath}"));
        return 0;
    }

    /// <summary>Each stage of the evaluation as its own progress (bar with ETA on a terminal, plain lines when redirected).</summary>
    private sealed class StageProgress(TextWriter stderr)
    {
        private CliProgress? _current;
        private string? _stage;

        public void Report(EvaluationProgress p)
        {
            if (p.Stage != _stage) (_stage, _current) = (p.Stage, CliProgress.For(stderr, p.Stage, "items"));
            _current!.Report(p.Done, p.Total);
        }
    }
}
