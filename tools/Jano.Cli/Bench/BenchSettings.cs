using Jano.Core.Acceleration;
using Jano.Runtime.Scheduling;

namespace Jano.Cli.Bench;

/// <summary>What one `jano bench` measures and how.</summary>
public sealed record BenchSettings
{
    public required IReadOnlyList<BenchItem> Items { get; init; }

    /// <summary>Dense first, then every method and setting to compare with it (<see cref="BenchMethodSet"/>).</summary>
    public required IReadOnlyList<BenchMethod> Methods { get; init; }

    /// <summary>Null: the package's default.</summary>
    public int? Steps { get; init; }

    /// <summary>Null: the package's default.</summary>
    public double? Guidance { get; init; }

    /// <summary>Unmeasured generations per method before measuring (ONNX Runtime and the JIT warm up, bindings get made).</summary>
    public int WarmupRuns { get; init; } = 1;

    /// <summary>Measured generations per method and item.</summary>
    public int Repeats { get; init; } = 3;

    public int Threads { get; init; }
    /// <summary>The ONNX Runtime provider the sessions run on ("cpu" or "cuda").</summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>Where the step loop's buffers live (the step device's description).</summary>
    public string Buffers { get; init; } = "host memory";
    public string Attention { get; init; } = "ort";
    /// <summary>The Jano options the flags chose (what the Jano family runs without a sweep).</summary>
    public required JanoOptions Jano { get; init; }

    /// <summary>Replaces Jano's analysis with a fixed random mask of these fractions (scaling study), or null.</summary>
    public ForcedFractions? Forced { get; init; }
}

/// <summary>Fractions of tokens a forced mask makes active and medium (the rest static).</summary>
public sealed record ForcedFractions(double Active, double Medium)
{
    /// <summary>The mask's shuffle seed: one fixed mask for every image, so only the fractions vary between runs.</summary>
    public const int MaskSeed = 0;

    public TokenMask Mask(int tokens) => TokenMask.Forced(tokens, Active, Medium, MaskSeed);
}
