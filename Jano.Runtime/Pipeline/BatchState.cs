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
    public BatchState(int batch, int tokens, int width, int depth, int outputWidth)
    {
        Batch = batch;
        Tokens = tokens;
        Width = width;
        HiddenA = new PinnedBuffer(batch * tokens, width);
        HiddenB = new PinnedBuffer(batch * tokens, width);
        Queries = new PinnedBuffer(batch * tokens, width);
        AttentionOut = new PinnedBuffer(batch * tokens, width);
        NewKeys = new PinnedBuffer(batch * tokens, width);
        NewValues = new PinnedBuffer(batch * tokens, width);
        NewOutput = new PinnedBuffer(batch * tokens, outputWidth);
        Keys = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(batch * tokens, width)).ToArray();
        Values = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(batch * tokens, width)).ToArray();
        Output = new PinnedBuffer(batch * tokens, outputWidth);
        CrossKeys = [];
        CrossValues = [];
        CrossBias = new PinnedBuffer(0, 0);
    }

    public int Batch { get; }
    public int Tokens { get; }
    public int Width { get; }
    public PinnedBuffer HiddenA { get; }
    public PinnedBuffer HiddenB { get; }
    public PinnedBuffer Queries { get; }
    public PinnedBuffer AttentionOut { get; }
    public PinnedBuffer NewKeys { get; }
    public PinnedBuffer NewValues { get; }
    public PinnedBuffer NewOutput { get; }
    public PinnedBuffer[] Keys { get; }
    public PinnedBuffer[] Values { get; }
    public PinnedBuffer Output { get; }

    /// <summary>Per layer [B, L, D]: the captions padded to one length L.</summary>
    public PinnedBuffer[] CrossKeys { get; private set; }
    public PinnedBuffer[] CrossValues { get; private set; }

    /// <summary>[B, L]: 0 for a caption token, −1e9 for padding.</summary>
    public PinnedBuffer CrossBias { get; private set; }
    public int CaptionTokens { get; private set; }

    /// <summary>The captions whose cross K/V are loaded (reference identity of their hidden states).</summary>
    public float[]?[] Captions { get; } = new float[]?[2];

    /// <summary>Bound runs per token count n; rebuilt when the captions change.</summary>
    public Dictionary<int, BatchRuns> Runs { get; } = [];

    public void SetCaptions(PinnedBuffer[] keys, PinnedBuffer[] values, PinnedBuffer bias, int captionTokens)
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
