using Jano.Core.Acceleration;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jano.Core.IO;
using Jano.Runtime.Scheduling;

namespace Jano.Cli.Bench;

/// <summary>What `jano bench` found, with enough of the set-up to tell one run from another; saved as JSON.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset Date { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string Package { get; init; }
    public required string PackageName { get; init; }
    public required int Tokens { get; init; }
    public required int Depth { get; init; }
    public required int Width { get; init; }
    public required int Steps { get; init; }
    public required double Guidance { get; init; }
    public required int Threads { get; init; }
    public required string Attention { get; init; }
    public string Provider { get; init; } = "cpu";

    /// <summary>Where the step loop's buffers live ("host memory" or the GPU); on a GPU the per-stage columns are enqueue times.</summary>
    public string Buffers { get; init; } = "host memory";
    public string DType { get; init; } = "float32";
    public required int Prompts { get; init; }
    public required int Seeds { get; init; }
    public required int WarmupRuns { get; init; }
    public required int Repeats { get; init; }
    public required JanoOptions Jano { get; init; }
    public ForcedFractions? Forced { get; init; }
    /// <summary>Whether each method ran at several settings (`--sweep`).</summary>
    public bool Sweep { get; init; }

    /// <summary>What the command decided for the user (a method left out, and why).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public required IReadOnlyList<MethodResult> Methods { get; init; }
    public required IReadOnlyList<ImageResult> Images { get; init; }

    public MethodResult Method(string name) => Methods.Single(m => m.Method == name);

    // PSNR of an image identical to dense is +∞, which plain JSON numbers cannot hold: it is written
    // as the string "Infinity". Values that do not apply (dense against itself) are left out.
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void SaveJson(string path) => AtomicFile.WriteAllText(path, ToJson());

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
