namespace Jano.Export.Vae;

public sealed record DecoderExportOptions
{
    /// <summary>"float32" (default) or "float16": the element type of weights and activations inside the graph.</summary>
    public string DType { get; init; } = "float32";
    /// <summary>Progress lines; null for silence.</summary>
    public Action<string>? Log { get; init; }
}
