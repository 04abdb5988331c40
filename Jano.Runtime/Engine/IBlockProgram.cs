using Jano.Core.Geometry;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Engine;

/// <summary>
/// What a family adds to the token engine: which stage graphs run, with which inputs, in which order.
/// The engine owns the per-token buffers (prefix rows, scheduling order, K/V cache, outputs), the CFG
/// batch and the step device; the program owns its sessions, its modulation buffers and the per-prompt
/// caption buffers, and binds its graphs to the engine's buffers for each computed token count.
/// </summary>
public interface IBlockProgram : IDisposable
{
    /// <summary>The package's own latent geometry (its position table file is for this size).</summary>
    LatentGeometry Geometry { get; }

    /// <summary>The engine's sizes at a latent geometry (the token count follows the size).</summary>
    EngineShape ShapeFor(LatentGeometry geometry);

    /// <summary>Per-token tables in natural order for a geometry; the engine keeps each in scheduling order.</summary>
    IReadOnlyList<TokenTableData> TablesFor(LatentGeometry geometry);

    /// <summary>ONNX Runtime's MultiHeadAttention over (query, key, value), the alternative to the attention kernel.</summary>
    InferenceSession AttentionSession { get; }

    /// <summary>
    /// Allocates the program's per-step buffers on the device and binds its conditioning graph to the
    /// timestep buffer, for one engine at one geometry (micro-conditions depend on the size). Null when
    /// the program has no shared conditioning run (its modulation is per batch: <see cref="StepRuns.Cond"/>).
    /// </summary>
    BoundRun? Attach(IStepDevice device, RunOptions runOptions, StepBuffer timestep, LatentGeometry geometry);

    /// <summary>Releases what <see cref="Attach"/> allocated (the engine that attached is being disposed).</summary>
    void Detach();

    /// <summary>Runs the caption stage for the branches (padded to one length) once per prompt pair.</summary>
    CaptionBuffers EncodeCaptions(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions);

    /// <summary>Binds embed, every block's pre and post, and final to the engine's buffers for n computed image tokens.</summary>
    StepRuns Bind(EngineBindings bindings, BatchBuffers batch, int n);
}

/// <summary>A per-token table a program's graphs read: [rows, Width] in natural order, with the prefix rows first when <see cref="IncludesPrefix"/>.</summary>
public sealed record TokenTableData(string Name, float[] Values, int Width, bool IncludesPrefix);

/// <summary>One branch's text conditioning: token states [Tokens, width] and, where the family uses it, a pooled vector.</summary>
public sealed record CaptionInput(float[] States, int Tokens, float[]? Pooled = null);

/// <summary>
/// The engine's buffers a program binds besides the batch's: the patch rows, the embedding's output, the
/// ordered tables and the embedded guidance scale [1] (<see cref="TokenEngine.SetEmbeddedGuidance"/>).
/// </summary>
public sealed record EngineBindings(IStepDevice Device, RunOptions RunOptions, StepBuffer Patches, StepBuffer Embedded, IReadOnlyList<TokenTableBuffer> Tables, StepBuffer Guidance)
{
    public TokenTableBuffer Table(string name) =>
        Tables.FirstOrDefault(t => t.Name == name) ?? throw new InvalidOperationException($"no per-token table '{name}'");
}
