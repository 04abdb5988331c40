using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// The buffers of the guidance branches, run together as one batch (item 0 conditional, item 1
/// unconditional). Activations (hidden ping-pong, queries, attention output, new K/V and output rows)
/// are packed [B, n, D] for the current step; per-layer K/V and the output are persistent [B, N, ·]:
/// rows ≥ n of each item keep the values of the last step that computed them.
/// </summary>
internal sealed class BatchState : IDisposable
{
    public BatchState(IStepDevice device, int batch, int tokens, int width, int depth, int outputWidth)
    {
        Batch = batch;
        Tokens = tokens;
        Width = width;
        HiddenA = device.Allocate(batch * tokens, width);
        HiddenB = device.Allocate(batch * tokens, width);
        Queries = device.Allocate(batch * tokens, width);
        AttentionOut = device.Allocate(batch * tokens, width);
        NewKeys = device.Allocate(batch * tokens, width);
        NewValues = device.Allocate(batch * tokens, width);
        NewOutput = device.Allocate(batch * tokens, outputWidth);
        Keys = Enumerable.Range(0, depth).Select(_ => device.Allocate(batch * tokens, width)).ToArray();
        Values = Enumerable.Range(0, depth).Select(_ => device.Allocate(batch * tokens, width)).ToArray();
        Output = device.Allocate(batch * tokens, outputWidth);
        CrossKeys = [];
        CrossValues = [];
        CrossBias = device.Allocate(0, 0);
    }

    public int Batch { get; }
    public int Tokens { get; }
    public int Width { get; }
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

    /// <summary>Per layer [B, L, D]: the captions padded to one length L.</summary>
    public StepBuffer[] CrossKeys { get; private set; }
    public StepBuffer[] CrossValues { get; private set; }

    /// <summary>[B, L]: 0 for a caption token, −1e9 for padding.</summary>
    public StepBuffer CrossBias { get; private set; }
    public int CaptionTokens { get; private set; }

    /// <summary>The captions whose cross K/V are loaded (reference identity of their hidden states).</summary>
    public float[]?[] Captions { get; } = new float[]?[2];

    /// <summary>Bound runs per token count n; rebuilt when the captions change.</summary>
    public Dictionary<int, BatchRuns> Runs { get; } = [];

    public void SetCaptions(StepBuffer[] keys, StepBuffer[] values, StepBuffer bias, int captionTokens)
    {
        ClearRuns();
        foreach (var b in CrossKeys.Concat(CrossValues).Append(CrossBias)) b.Dispose();
        CrossKeys = keys;
        CrossValues = values;
        CrossBias = bias;
        CaptionTokens = captionTokens;
    }

    public void ClearRuns()
    {
        foreach (var r in Runs.Values) r.Dispose();
        Runs.Clear();
    }

    public void Dispose()
    {
        ClearRuns();
        foreach (var b in new[] { HiddenA, HiddenB, Queries, AttentionOut, NewKeys, NewValues, NewOutput, Output, CrossBias }
                     .Concat(Keys).Concat(Values).Concat(CrossKeys).Concat(CrossValues))
            b.Dispose();
    }
}

/// <summary>The bound runs of one batch at one token count.</summary>
internal sealed class BatchRuns(BoundRun embed, BoundRun[] pre, BoundRun[] post, BoundRun final, BoundRun[]? attention) : IDisposable
{
    public BoundRun Embed { get; } = embed;
    public BoundRun[] Pre { get; } = pre;
    public BoundRun[] Post { get; } = post;
    public BoundRun Final { get; } = final;

    /// <summary>Per-layer MultiHeadAttention runs when attention goes through ONNX Runtime; null for the kernel.</summary>
    public BoundRun[]? Attention { get; } = attention;

    public void Dispose()
    {
        foreach (var r in Pre.Concat(Post).Append(Final).Append(Embed).Concat(Attention ?? [])) r.Dispose();
    }
}
