using System.Diagnostics.CodeAnalysis;
using Jano.Runtime.Pipeline;
using Microsoft.Extensions.AI;

// IImageGenerator is experimental in Microsoft.Extensions.AI 11 (MEAI001); this adapter is marked the same
// way, so an application that uses it sees the same diagnostic it would for the abstraction itself.
#pragma warning disable MEAI001

namespace Jano.Runtime.AI;

/// <summary>
/// Jano.NET behind Microsoft.Extensions.AI's <see cref="IImageGenerator"/>: an application written against
/// that abstraction generates with a model package unchanged. Each image comes back as a
/// <see cref="DataContent"/> of media type image/png; <see cref="ImageGenerationResponse.RawRepresentation"/>
/// holds the <see cref="GenerationResult"/>s (Jano report, timings, notes).
/// </summary>
/// <remarks>
/// Options: <see cref="ImageGenerationOptions.Count"/> (1 to <see cref="MaxCount"/>; seeds seed, seed + 1, …),
/// <see cref="ImageGenerationOptions.ImageSize"/>, <see cref="ImageGenerationOptions.MediaType"/> (image/png only),
/// <see cref="ImageGenerationOptions.ModelId"/> (the package's name, or null). Any response format gives
/// data (there is no host to store images on). Extension fields in
/// <see cref="ImageGenerationOptions.AdditionalProperties"/>: <c>seed</c>, <c>steps</c>, <c>guidance</c>,
/// <c>negative_prompt</c>, <c>method</c> and <c>jano</c> (a preset; <see cref="AccelerationChoice"/>).
/// Bad options throw <see cref="ArgumentException"/> naming the field before anything runs.
/// Thread-safe: calls on one generator run one at a time in arrival order over its single pipeline; for
/// parallel generations use one generator (one pipeline) per concurrent run.
/// </remarks>
[Experimental("MEAI001")]
public sealed class JanoImageGenerator : IImageGenerator
{
    /// <summary>The most images one call may ask for.</summary>
    public const int MaxCount = 16;

    public const string SeedField = "seed", StepsField = "steps", GuidanceField = "guidance",
        NegativePromptField = "negative_prompt", MethodField = "method", JanoPresetField = "jano";

    private const string Png = "image/png";
    private readonly TextToImagePipeline _pipeline;
    private readonly bool _ownsPipeline;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <param name="pipeline">The pipeline to generate with; while the generator uses it, nothing else may.</param>
    /// <param name="ownsPipeline">Dispose the pipeline with the generator.</param>
    public JanoImageGenerator(TextToImagePipeline pipeline, bool ownsPipeline = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _ownsPipeline = ownsPipeline;
        Metadata = new ImageGeneratorMetadata("jano", providerUri: null, defaultModelId: ModelId);
    }

    /// <summary>A generator over a pipeline of its own on the package folder.</summary>
    public static JanoImageGenerator Open(string packageFolder, RuntimeOptions? options = null) =>
        new(TextToImagePipeline.Open(packageFolder, options), ownsPipeline: true);

    /// <summary>The model id callers may name: the package's name.</summary>
    public string ModelId => _pipeline.Package.Manifest.Name;

    public ImageGeneratorMetadata Metadata { get; }

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var requests = ToRequests(request, options);
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var contents = new List<AIContent>(requests.Count);
            var results = new List<GenerationResult>(requests.Count);
            await foreach (var result in _pipeline.GenerateManyAsync(requests, progress: null, cancellationToken).ConfigureAwait(false))
            {
                results.Add(result);
                contents.Add(new DataContent(result.ToPng(), Png));
            }
            return new ImageGenerationResponse(contents) { RawRepresentation = results };
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The pipeline requests of one call, one per image, checked before any of them runs.</summary>
    private List<GenerationRequest> ToRequests(ImageGenerationRequest request, ImageGenerationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OriginalImages?.Any() == true)
            throw new NotSupportedException("image editing (OriginalImages) is not supported: Jano.NET generates from text only");
        if (string.IsNullOrWhiteSpace(request.Prompt))
            throw new ArgumentException("prompt is empty: give a description of the image");
        var count = options?.Count ?? 1;
        if (count < 1 || count > MaxCount) throw new ArgumentException($"count must be between 1 and {MaxCount}, got {count}");
        if (options?.MediaType is { } media && !string.Equals(media, Png, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"media type '{media}' is not supported; only {Png}");
        if (options?.ModelId is { } model && !string.Equals(model, ModelId, StringComparison.Ordinal))
            throw new ArgumentException($"model '{model}' is not served by this generator; its model is '{ModelId}'");
        int? width = null, height = null;
        if (options?.ImageSize is { } size)
        {
            if (size.Width < 1 || size.Height < 1) throw new ArgumentException($"image size {size.Width}x{size.Height} must be positive on both sides");
            (width, height) = (size.Width, size.Height);
        }
        var extra = options?.AdditionalProperties;
        var seed = OptionValues.Int64(extra, SeedField, 0, long.MaxValue - MaxCount) ?? 0;
        var template = new GenerationRequest
        {
            Prompt = request.Prompt,
            NegativePrompt = OptionValues.String(extra, NegativePromptField) ?? "",
            Steps = (int?)OptionValues.Int64(extra, StepsField, 1, 10_000),
            Guidance = OptionValues.Double(extra, GuidanceField, 0, 1000),
            Width = width,
            Height = height,
        };
        template = AccelerationChoice.Apply(template, _pipeline.Package.Manifest, OptionValues.String(extra, MethodField), OptionValues.String(extra, JanoPresetField));
        template.Validate();
        _pipeline.GeometryFor(template);
        return Enumerable.Range(0, count).Select(k => template with { Seed = seed + k }).ToList();
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ImageGeneratorMetadata)) return Metadata;
        if (serviceType == typeof(TextToImagePipeline)) return _pipeline;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        if (_ownsPipeline) _pipeline.Dispose();
        _oneAtATime.Dispose();
    }
}
