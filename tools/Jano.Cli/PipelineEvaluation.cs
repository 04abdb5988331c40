using Jano.Eval;
using Jano.Runtime.Pipeline;

namespace Jano.Cli;

/// <summary>`jano eval`'s bridge between a pipeline and the model-independent evaluator (Jano.Eval knows no runtime).</summary>
public static class PipelineEvaluation
{
    /// <summary>Evaluates a package through its pipeline; <paramref name="template"/> carries steps, guidance and Jano (its prompt and seed are replaced).</summary>
    public static EvaluationReport Evaluate(this ModelEvaluator evaluator, TextToImagePipeline pipeline, GenerationRequest template, Action<EvaluationProgress>? progress = null)
    {
        var m = pipeline.Package.Manifest;
        var g = m.Geometry;
        if (g.Channels != 1 || g.Height != g.Width || g.Height < FashionMnist.ImageSize)
            throw new ArgumentException($"{pipeline.Package.Folder}: evaluation needs a one-channel square model of at least {FashionMnist.ImageSize}×{FashionMnist.ImageSize} pixels (Fashion-MNIST); this one makes {g.Channels}×{g.Height}×{g.Width}");
        var report = evaluator.Evaluate((prompt, seed) => pipeline.Generate(template with { Prompt = prompt, Seed = seed }).Image, g.Height, progress);
        return report with
        {
            Model = new EvaluatedModel(pipeline.Package.Folder, pipeline.Package.ManifestSha256,
                template.Steps ?? m.Defaults.Steps, template.Guidance ?? m.Defaults.Guidance, template.Jano is null ? "dense" : "jano"),
        };
    }
}
