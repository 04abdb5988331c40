using Jano.Runtime.Devices;

namespace Jano.Runtime.Engine;

/// <summary>
/// The engine's buffers for one batch of guidance branches run together (item 0 conditional, item 1
/// unconditional). Every per-token buffer has L + N rows per item: rows [0, L) are the prefix rows,
/// then the image tokens in scheduling order. Activations (hidden ping-pong, queries, attention output,
/// new K/V rows) are packed [B, L + n, D] for the current step; per-layer K/V are persistent
/// [B, L + N, D] and the output persistent [B, N, W]: rows past what a step computed keep the values
/// of the last step that computed them.
/// </summary>
public sealed class BatchBuffers : IDisposable
{
    public BatchBuffers(IStepDevice device, int batch, EngineShape shape)
    {
        Batch = batch;
        Shape = shape;
        int rows = batch * shape.Rows, d = shape.HiddenSize;
        HiddenA = device.Allocate(rows, d);
        HiddenB = device.Allocate(rows, d);
        Queries = device.Allocate(rows, d);
        AttentionOut = device.Allocate(rows, d);
        NewKeys = device.Allocate(rows, d);
        NewValues = device.Allocate(rows, d);
        NewOutput = device.Allocate(batch * shape.Tokens, shape.PatchOutputWidth);
        Keys = Enumerable.Range(0, shape.Depth).Select(_ => device.Allocate(rows, d)).ToArray();
        Values = Enumerable.Range(0, shape.Depth).Select(_ => device.Allocate(rows, d)).ToArray();
        Output = device.Allocate(batch * shape.Tokens, shape.PatchOutputWidth);
    }

    public int Batch { get; }
    public EngineShape Shape { get; }
    public StepBuffer HiddenA { get; }
    public StepBuffer HiddenB { get; }
    public StepBuffer Queries { get; }
    public StepBuffer AttentionOut { get; }
    public StepBuffer NewKeys { get; }
    public StepBuffer NewValues { get; }
    public StepBuffer NewOutput { get; }
    public StepBuffer[] Keys { get; }
    public StepBuffer[] Values { get; }
    public StepBuffer Output { get; }

    /// <summary>The hidden buffer block <paramref name="layer"/> reads: the embedding's output for block 0, then the ping-pong buffers.</summary>
    public StepBuffer HiddenIn(int layer, StepBuffer embedded) => layer == 0 ? embedded : (layer % 2 == 1 ? HiddenA : HiddenB);

    /// <summary>The hidden buffer block <paramref name="layer"/> writes.</summary>
    public StepBuffer HiddenOut(int layer) => layer % 2 == 0 ? HiddenA : HiddenB;

    /// <summary>What the program's caption step produced for this batch (cross K/V, prefix rows, ...), or null before captions are set.</summary>
    public CaptionBuffers? Captions { get; set; }

    /// <summary>The captions those buffers were made from (reference identity of each branch's states, then pooled vectors).</summary>
    public object?[] CaptionKeys { get; } = new object?[4];

    /// <summary>Bound runs per computed image-token count n; rebuilt when the captions change.</summary>
    public Dictionary<int, StepRuns> Runs { get; } = [];

    public void ClearRuns()
    {
        foreach (var r in Runs.Values) r.Dispose();
        Runs.Clear();
    }

    public void Dispose()
    {
        ClearRuns();
        Captions?.Dispose();
        foreach (var b in new[] { HiddenA, HiddenB, Queries, AttentionOut, NewKeys, NewValues, NewOutput, Output }.Concat(Keys).Concat(Values))
            b.Dispose();
    }
}
