using Jano.Core.Acceleration;
using System.Text.Json;
using Jano.Core.IO;

namespace Jano.Runtime.Imaging;

/// <summary>The JSON written beside every image: what produced it and how long it took.</summary>
public sealed record GenerationSidecar
{
    public required string Prompt { get; init; }
    public required IReadOnlyList<long> Seeds { get; init; }
    public required int Steps { get; init; }
    public required double Guidance { get; init; }
    /// <summary>FLUX's true CFG scale when it ran with two branches (above 1); null otherwise.</summary>
    public double? TrueCfg { get; init; }
    public required string Sampler { get; init; }
    public required string Method { get; init; }
    /// <summary>The accelerator's resolved parameters (<see cref="Pipeline.AccelerationReport.Parameters"/>), defaults included; null for dense/Jano runs without a method.</summary>
    public IReadOnlyDictionary<string, string>? MethodParameters { get; init; }
    /// <summary>The accelerator's ideal (FLOP) speed-up against dense at the request's step count.</summary>
    public double? IdealSpeedup { get; init; }
    public Core.Acceleration.JanoOptions? Jano { get; init; }
    public required string Package { get; init; }
    public required string PackageSha256 { get; init; }
    public required string Provider { get; init; }
    public required SidecarTimings Timings { get; init; }
    public string? Image { get; init; }

    public static string PathFor(string imagePath) => Path.ChangeExtension(imagePath, ".json");

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>
    /// The image and this sidecar (at <see cref="PathFor"/>) as one unit (<see cref="FilePair"/>): both or
    /// neither; if the sidecar cannot be placed the image is removed.
    /// </summary>
    public void SaveWithImage(string imagePath, byte[] png) =>
        FilePair.Write(imagePath, s => s.Write(png), PathFor(imagePath), s => s.Write(System.Text.Encoding.UTF8.GetBytes(ToJson())));

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
}

public sealed record SidecarTimings(double TotalMs, double TextMs, double DenoiseMs, double MeanStepMs, double SessionMs, double AttentionMs, double OutsideSessionsShare);
