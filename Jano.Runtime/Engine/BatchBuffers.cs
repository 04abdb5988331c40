using Jano.Runtime.Devices;

namespace Jano.Runtime.Engine;

/// <summary>
/// The engine's buffers for one batch of guidance branches run together (item 0 conditional, item 1
/// unconditional). Every per-token buffer has L + N rows per item: rows [0, L) are the prefix rows,
/// then the image tokens in scheduling order. Activations (hidden ping-pong, queries, attention output,
/// new K/V rows) are packed [B, L + n, D] for the current step; per-layer K/V are persistent
/// [B, L + N, D] and the output persistent [B, N, W]: rows past what a step computed keep the values
/// of the last step that computed them. Blocks with the image-only attention (joint-dual) have a second
/// persistent K/V of the N image rows alone ([B, N, D], no prefix rows).
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
        Keys2 = new StepBuffer?[shape.Depth];
        Values2 = new StepBuffer?[shape.Depth];
        if (!shape.AnyImageAttention) return;
        // The image-only attention (joint-dual blocks): packed [B, n, D] activations, and per such layer
        // a persistent [B, N, D] K/V cache of the image rows alone (no prefix rows).
        int imageRows = batch * shape.Tokens;
        Queries2 = device.Allocate(imageRows, d);
        Attention2Out = device.Allocate(imageRows, d);
        NewKeys2 = device.Allocate(imageRows, d);
        NewValues2 = device.Allocate(imageRows, d);
        for (var i = 0; i < shape.Depth; i++)
        {
            if (!shape.HasImageAttention(i)) continue;
            Keys2[i] = device.Allocate(imageRows, d);
            Values2[i] = device.Allocate(imageRows, d);
        }
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

    /// <summary>The image-only attention's packed q2, output and new k2/v2 rows [B, n, D]; null when no block has it.</summary>
    public StepBuffer? Queries2 { get; }
    public StepBuffer? Attention2Out { get; }
    public StepBuffer? NewKeys2 { get; }
    public StepBuffer? NewValues2 { get; }

    /// <summary>Per layer, the image-only attention's persistent K/V [B, N, D] (image rows in scheduling order); null for blocks without it.</summary>
    public StepBuffer?[] Keys2 { get; }
    public StepBuffer?[] Values2 { get; }

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
        foreach (var b in new[] { Queries2, Attention2Out, NewKeys2, NewValues2 }.Concat(Keys2).Concat(Values2))
            b?.Dispose();
    }
}
