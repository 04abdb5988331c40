using Jano.Core.Acceleration;
using Jano.Runtime.Scheduling;

namespace Jano.Runtime.Pipeline;

/// <summary>One image to generate. Null steps/guidance take the package's defaults.</summary>
public sealed record GenerationRequest
{
    public required string Prompt { get; init; }
    public string NegativePrompt { get; init; } = "";
    public long Seed { get; init; }
    public int? Steps { get; init; }

    /// <summary>Image size in pixels; null: the package's size. Packages with a position generator run at any multiple of the patch.</summary>
    public int? Height { get; init; }
    public int? Width { get; init; }

    /// <summary>PixArt packages of a trained size generate at the aspect-ratio bin nearest to the size asked (diffusers' use_resolution_binning).</summary>
    public bool ResolutionBinning { get; init; } = true;

    /// <summary>The guidance scale: classifier-free for most families, the embedded scale of a guidance-distilled FLUX.1-dev package.</summary>
    public double? Guidance { get; init; }

    /// <summary>
    /// FluxPipeline's true_cfg_scale for packages whose <see cref="Guidance"/> is not classifier-free (FLUX):
    /// above 1, the prompt and the negative prompt run as two branches combined as CFG; null: the package's default.
    /// </summary>
    public double? TrueCfg { get; init; }

    /// <summary>Jano's options; null generates dense (unless <see cref="Method"/> is a Jano-family method: then the package's default preset).</summary>
    public JanoOptions? Jano { get; init; }

    /// <summary>
    /// The accelerator (<see cref="Acceleration.AccelerationMethods.Parse"/>); null: Jano when <see cref="Jano"/> is
    /// set, else dense, as before methods existed. steps-K runs K steps; the ideal speed-up is against <see cref="Steps"/>.
    /// </summary>
    public Acceleration.AccelerationMethod? Method { get; init; }

    /// <summary>
    /// When <see cref="Jano"/> cannot act at this step count (warm-up and cool-down leave no step):
    /// true generates dense and says so in <see cref="GenerationResult.Notes"/> (a package's default
    /// preset); false fails with the reason (options the user asked for).
    /// </summary>
    public bool FallBackToDense { get; init; }

    /// <summary>
    /// Text conditioning given directly (the encoder's states of the real tokens) instead of encoding
    /// <see cref="Prompt"/> and <see cref="NegativePrompt"/>: embeddings computed elsewhere, and the
    /// comparison with a reference pipeline that was given embeddings.
    /// </summary>
    public Engine.CaptionInput? PromptStates { get; init; }
    public Engine.CaptionInput? NegativePromptStates { get; init; }

    /// <summary>Initial noise [C, H, W] in latent pixels instead of the seeded draw (a reference pipeline's latents).</summary>
    public float[]? InitialNoise { get; init; }

    /// <summary>Replaces Jano's analysis with a fixed mask (benchmarks, tests); needs <see cref="Jano"/>.</summary>
    public TokenMask? ForcedMask { get; init; }

    /// <summary>
    /// After every step, stop with <see cref="NonFiniteLatentsException"/> at the first NaN or infinity in
    /// the latents (<see cref="LatentGuard"/>: one vectorised pass, a few microseconds a step). Off only to
    /// measure what the check costs (Jano.Bench guard).
    /// </summary>
    public bool CheckLatents { get; init; } = true;

    /// <summary>Sees each step's model input and guided prediction (calibration: `jano calibrate`); null: nothing records.</summary>
    public Acceleration.IStepRecorder? Recorder { get; init; }

    /// <summary>Checks what can be checked without the model; messages name the field.</summary>
    public void Validate()
    {
        if (Prompt is null || string.IsNullOrWhiteSpace(Prompt))
            throw new ArgumentException("prompt is empty: give a description of the image (the empty caption is reserved for guidance)");
        if (Steps is { } s && s < 1) throw new ArgumentException($"steps must be at least 1, got {s}");
        if (Steps is > 10_000) throw new ArgumentException($"steps must be at most 10000, got {Steps}");
        if (Height is < 1 or > 16384 || Width is < 1 or > 16384)
            throw new ArgumentException($"size {Width}x{Height} (width x height) must be between 1 and 16384 pixels on each side");
        if (Guidance is { } g && (!double.IsFinite(g) || g < 0))
            throw new ArgumentException($"guidance must be a finite number ≥ 0, got {g}");
        if (TrueCfg is { } c && (!double.IsFinite(c) || c < 1))
            throw new ArgumentException($"true CFG scale must be a finite number ≥ 1 (1: one branch), got {c}");
    }
}

/// <summary>
/// The outcome of one generation: the image [Channels, Height, Width] in [-1, 1] nominally (decoded
/// from the latents; for pixel-space models the latents themselves), what ran (method, steps) and
/// timings; notes say what the library decided for the caller (a preset that did not fit, a size snapped).
/// </summary>
public sealed record GenerationResult(
    float[] Image,
    int Channels,
    int Height,
    int Width,
    int Steps,
    double Guidance,
    string Sampler,
    string Method,
    StepTimings Timings,
    double[] StepMs,
    double TextMs,
    JanoReport? Jano,
    IReadOnlyList<string> Notes)
{
    /// <summary>The final latents [C, h, w] before the decoder (the image itself for pixel-space models).</summary>
    public float[]? Latents { get; init; }

    /// <summary>Decoder time (0 for pixel-space models, which decode by copying).</summary>
    public double DecodeMs { get; init; }

    /// <summary>The true CFG scale a FLUX package ran with (null for families whose guidance is classifier-free).</summary>
    public double? TrueCfg { get; init; }

    /// <summary>What the accelerator did: method, parameters, every step's plan, ideal speed-up (null when the request named no method).</summary>
    public AccelerationReport? Acceleration { get; init; }
}

/// <summary>One generation's accelerator: its name and resolved parameters, each step's plan and the ideal (FLOP) speed-up against dense at <paramref name="DenseSteps"/>.</summary>
public sealed record AccelerationReport(
    string Method,
    IReadOnlyDictionary<string, string> Parameters,
    Acceleration.StepPlan[] Plans,
    int DenseSteps,
    double IdealSpeedup)
{
    /// <summary>Steps the transformer's blocks ran (a prefix of any size above 0).</summary>
    public int ComputedSteps => Plans.Count(p => p.Kind == Acceleration.StepKind.Compute && p.Tokens > 0);
}

/// <summary>What Jano did in one generation: the mask, the level and token count of every step, and speed-ups.</summary>
public sealed record JanoReport(
    JanoOptions Options,
    StepLevel[] Levels,
    int[] TokensPerStep,
    TokenMask Mask,
    AnalysisMaps? Maps,
    double IdealSpeedup,
    double EstimatedSpeedup,
    double AnalysisMs)
{
    public double ActiveFraction => (double)Mask.ActiveCount / Mask.Tokens;
    public double MediumFraction => (double)Mask.MediumCount / Mask.Tokens;
    public double StaticFraction => (double)Mask.StaticCount / Mask.Tokens;
}

/// <summary>Reported after each step, for progress bars and verbose timing.</summary>
public readonly record struct StepReport(int Step, int Steps, int Tokens, double StepMs, double SessionMs, double AttentionMs);
