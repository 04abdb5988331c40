using Jano.Export.Checkpoints;

namespace Jano.Export.Vae;

public sealed record DecoderExportOptions
{
    /// <summary>"float32" (default) or "float16": the element type of weights and activations inside the graph.</summary>
    public string DType { get; init; } = "float32";
    /// <summary>Progress lines; null for silence.</summary>
    public Action<string>? Log { get; init; }
    /// <summary>What the weights are checked for; null: finite values that fit <see cref="DType"/>.</summary>
    public WeightChecks? Checks { get; init; }
}
