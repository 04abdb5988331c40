using Jano.Core.Stages;

namespace Jano.Core.Packages;

/// <summary>One stage graph of a package: its file and the names of its inputs and outputs.</summary>
public sealed record StageGraph
{
    public required string File { get; init; }
    public required List<string> Inputs { get; init; }
    public required List<string> Outputs { get; init; }

    public static StageGraph Of(string file, StageSignature signature) =>
        new() { File = file, Inputs = [.. signature.Inputs], Outputs = [.. signature.Outputs] };

    /// <summary>Whether the declared names are the signature's (order included).</summary>
    public bool Matches(StageSignature signature) => Inputs.SequenceEqual(signature.Inputs) && Outputs.SequenceEqual(signature.Outputs);
}

/// <summary>One transformer block: its kind (<see cref="BlockKind"/>) and its pre and post graphs.</summary>
public sealed record BlockStages
{
    public required string Kind { get; init; }
    public required StageGraph Pre { get; init; }
    public required StageGraph Post { get; init; }
}

/// <summary>The transformer's stage graphs by role.</summary>
public sealed record TransformerStages
{
    public required StageGraph Embed { get; init; }
    public required StageGraph Cond { get; init; }
    public required StageGraph Context { get; init; }
    public required List<BlockStages> Blocks { get; init; }
    public required StageGraph Final { get; init; }
    /// <summary>Self-attention as ONNX Runtime's MultiHeadAttention (query, key, value → output).</summary>
    public required StageGraph Attention { get; init; }
    /// <summary>The whole transformer in one graph: the equivalence oracle and plain ONNX deployment; optional.</summary>
    public StageGraph? Model { get; init; }

    /// <summary>(stage, graph) pairs in execution order, the optional whole graph last.</summary>
    public IEnumerable<(string Stage, StageGraph Graph)> All()
    {
        yield return (StageRoles.Embed, Embed);
        yield return (StageRoles.Cond, Cond);
        yield return (StageRoles.Context, Context);
        for (var i = 0; i < Blocks.Count; i++)
        {
            yield return ($"block {i} pre", Blocks[i].Pre);
            yield return ($"block {i} post", Blocks[i].Post);
        }
        yield return (StageRoles.Final, Final);
        yield return (StageRoles.Attention, Attention);
        if (Model is not null) yield return (StageRoles.Model, Model);
    }
}

/// <summary>
/// A per-token table: tensor <see cref="Tensor"/> of a safetensors file, [rows, Width], one row per
/// image token in natural order (rows "image"), or the prefix rows first and then the image tokens
/// (rows "all"). The engine gathers it in scheduling order for every step.
/// </summary>
public sealed record TokenTable
{
    public const string ImageRows = "image";
    public const string AllRows = "all";

    public required string Name { get; init; }
    public required string File { get; init; }
    public required string Tensor { get; init; }
    public required int Width { get; init; }
    public string Rows { get; init; } = ImageRows;
}
