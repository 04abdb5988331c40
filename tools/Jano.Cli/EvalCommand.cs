using System.Globalization;
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
public sealed class EvalCommand : ICommand
{
    public string Name => "eval";
    public string Usage => "jano eval [--model DIR] [--seeds K=20] [--seed FIRST=0] [--steps N] [--guidance X] [--k N=5] [--pca N=32] [--data DIR] [--out report.md] [--threads N] [--dense (default) | --jano] [--jano-preset NAME] [Jano parameter flags as for generate]";
    public IReadOnlySet<string> Switches => JanoFlags.SwitchNames;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr)
    {
        var model = args.String("model");
        var options = new EvaluationOptions
        {
            SeedsPerClass = args.Int("seeds") ?? 20,
            FirstSeed = args.Int("seed") ?? 0,
            K = args.Int("k") ?? NearestNeighbourClassifier.DefaultK,
            PcaComponents = args.Int("pca") ?? PcaFeatures.DefaultComponents,
            Threads = args.Int("threads") ?? 0,
        };
        var steps = args.Int("steps");
        var guidance = args.Double("guidance");
        var dataFolder = args.String("data") ?? FashionMnist.DefaultFolder;
        var output = args.String("out") ?? "eval.md";
        var janoFlags = JanoFlags.Read(args);
        args.EnsureAllUsed();

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

        var progress = new StageProgress(stderr, !Console.IsErrorRedirected);
        var report = new ModelEvaluator(data, options).Evaluate(pipeline, template with { Jano = jano }, progress.Report);

        var markdown = EvaluationMarkdown.Render(report);
        FilePair.WriteAllText(output, markdown, jsonPath, report.ToJson()); // both or neither
        ImageWriter.SavePng(pngPath, report.Images, 1, report.ImageSize, report.ImageSize, columns: options.SeedsPerClass);
        stdout.Write(markdown);
        stdout.WriteLine();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {output}, {jsonPath}, {pngPath}"));
        return 0;
    }

    /// <summary>Stage progress on stderr: redrawn in place on a terminal, one line per finished stage otherwise.</summary>
    private sealed class StageProgress(TextWriter stderr, bool interactive)
    {
        public void Report(EvaluationProgress p)
        {
            if (interactive)
            {
                stderr.Write($"\r{p.Stage} {p.Done}/{p.Total}   ");
                if (p.Done == p.Total) stderr.WriteLine();
            }
            else if (p.Done == p.Total)
            {
                stderr.WriteLine($"{p.Stage}: done");
            }
        }
    }
}
