namespace Jano.Core.Stages;

/// <summary>The role of a stage graph and the names of its inputs and outputs, in order.</summary>
public sealed record StageSignature(string Role, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    /// <summary>"inputs (a, b) → outputs (c)", for messages.</summary>
    public string Describe() => $"({string.Join(", ", Inputs)}) → ({string.Join(", ", Outputs)})";
}
