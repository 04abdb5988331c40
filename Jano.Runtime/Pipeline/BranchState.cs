using Jano.Runtime.Onnx;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// The persistent buffers of one guidance branch (conditional or unconditional): hidden ping-pong,
/// queries, attention output, per-layer self-attention K/V of all N tokens, per-layer cross-attention
/// K/V of the branch's caption, and the output rows of the last step that computed each token.
/// Rows ≥ n of K/V and output keep the values of the last step that computed them.
/// </summary>
internal sealed class BranchState : IDisposable
{
    public BranchState(int tokens, int width, int depth, int outputWidth)
    {
        HiddenA = new PinnedBuffer(tokens, width);
        HiddenB = new PinnedBuffer(tokens, width);
        Queries = new PinnedBuffer(tokens, width);
        AttentionOut = new PinnedBuffer(tokens, width);
        Keys = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(tokens, width)).ToArray();
        Values = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(tokens, width)).ToArray();
        Output = new PinnedBuffer(tokens, outputWidth);
        CrossKeys = [];
        CrossValues = [];
    }

    public PinnedBuffer HiddenA { get; }
    public PinnedBuffer HiddenB { get; }
    public PinnedBuffer Queries { get; }
    public PinnedBuffer AttentionOut { get; }
    public PinnedBuffer[] Keys { get; }
    public PinnedBuffer[] Values { get; }
    public PinnedBuffer Output { get; }
    public PinnedBuffer[] CrossKeys { get; private set; }
    public PinnedBuffer[] CrossValues { get; private set; }

    /// <summary>The caption whose cross K/V are loaded (reference identity of its hidden states).</summary>
    public float[]? Caption { get; private set; }

    /// <summary>Bound runs for a token count n; rebuilt when the caption changes.</summary>
    public Dictionary<int, BranchRuns> Runs { get; } = [];

    public void SetCrossKeyValues(float[] caption, PinnedBuffer[] keys, PinnedBuffer[] values)
    {
        ClearRuns();
        foreach (var b in CrossKeys.Concat(CrossValues)) b.Dispose();
        CrossKeys = keys;
        CrossValues = values;
        Caption = caption;
    }

    public void ClearRuns()
    {
        foreach (var r in Runs.Values) r.Dispose();
        Runs.Clear();
    }

    public void Dispose()
    {
        ClearRuns();
        foreach (var b in new[] { HiddenA, HiddenB, Queries, AttentionOut, Output }.Concat(Keys).Concat(Values).Concat(CrossKeys).Concat(CrossValues))
            b.Dispose();
    }
}

/// <summary>The bound pre/post/final runs of one branch at one token count.</summary>
internal sealed class BranchRuns(BoundRun[] pre, BoundRun[] post, BoundRun final, BoundRun[]? attention) : IDisposable
{
    public BoundRun[] Pre { get; } = pre;
    public BoundRun[] Post { get; } = post;
    public BoundRun Final { get; } = final;

    /// <summary>Per-layer MultiHeadAttention runs when attention goes through ONNX Runtime; null for the kernel.</summary>
    public BoundRun[]? Attention { get; } = attention;

    public void Dispose()
    {
        foreach (var r in Pre.Concat(Post).Append(Final).Concat(Attention ?? [])) r.Dispose();
    }
}
