using System.Diagnostics;
using Jano.Kernels;
using Jano.Runtime.Onnx;
using Jano.Runtime.Packages;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// One transformer forward per guidance branch over the first n tokens in scheduling order, exactly
/// DESIGN.md's step loop: embed → per block (pre → K/V rows [0, n) into the persistent buffer →
/// attention of n queries against all N keys → post) → final into rows [0, n) of the persistent
/// output. A dense step is n = N in natural order. All ONNX Runtime inputs and outputs are bound to
/// persistent buffers, so a step allocates nothing.
/// </summary>
public sealed class DenoisingEngine : IDisposable
{
    public const int MaxBranches = 2;

    private readonly PixArtSessions _sessions;
    private readonly ModelDims _dims;
    private readonly IAttentionKernel? _attention;
    private readonly RunOptions _runOptions = new();
    private readonly PinnedBuffer _timestep = new(1, 1);
    private readonly PinnedBuffer _tMod;
    private readonly PinnedBuffer _tEmb;
    private readonly PinnedBuffer _patches;
    private readonly PinnedBuffer _positions;
    private readonly PinnedBuffer _hidden0;
    private readonly BranchState[] _branches;
    private readonly Dictionary<int, BoundRun> _embedRuns = [];
    private readonly BoundRun _condRun;
    private readonly TokenLayout _layout;
    private readonly int[] _order;

    /// <param name="attention">The attention kernel, or null to run the package's MultiHeadAttention graph in ONNX Runtime.</param>
    public DenoisingEngine(PixArtSessions sessions, ModelDims dims, IAttentionKernel? attention)
    {
        _sessions = sessions;
        _dims = dims;
        _attention = attention;
        int n = dims.Tokens, d = dims.HiddenSize;
        _tMod = new PinnedBuffer(1, 6 * d);
        _tEmb = new PinnedBuffer(1, d);
        _patches = new PinnedBuffer(n, dims.PatchInputWidth);
        _positions = new PinnedBuffer(n, d);
        _hidden0 = new PinnedBuffer(n, d);
        _branches = Enumerable.Range(0, MaxBranches).Select(_ => new BranchState(n, d, dims.Depth, dims.PatchOutputWidth)).ToArray();
        _layout = new TokenLayout(dims.SampleSize, dims.PatchSize);
        _order = Enumerable.Range(0, n).ToArray();
        SetOrder(_order);
        _condRun = new BoundRun(sessions.Cond, _runOptions,
            [("timestep", _timestep.ViewAs(1))],
            [("t_mod", _tMod.ViewAs(1, 6 * d)), ("t_emb", _tEmb.ViewAs(1, d))]);
    }

    public ModelDims Dims => _dims;

    /// <summary>Scheduling order: row r of every buffer is token Order[r].</summary>
    public ReadOnlySpan<int> Order => _order;

    public StepTimings Timings { get; } = new();

    /// <summary>Output rows [N, p·p·C_out] of a branch, in scheduling order.</summary>
    public ReadOnlySpan<float> Output(int branch) => _branches[branch].Output.Data;

    /// <summary>A branch's self-attention keys of one layer [N, D], in scheduling order (for tests and introspection).</summary>
    public ReadOnlySpan<float> Keys(int branch, int layer) => _branches[branch].Keys[layer].Data;

    public ReadOnlySpan<float> Values(int branch, int layer) => _branches[branch].Values[layer].Data;

    /// <summary>
    /// Sets the scheduling order. Rows of the persistent buffers are moved along, so every token keeps
    /// its cached K/V and output values under the new order.
    /// </summary>
    public void SetOrder(ReadOnlySpan<int> order)
    {
        int n = _dims.Tokens, d = _dims.HiddenSize;
        if (order.Length != n) throw new ArgumentException($"order has {order.Length} entries, the model has {n} tokens");
        var seen = new bool[n];
        foreach (var t in order)
        {
            if ((uint)t >= (uint)n || seen[t]) throw new ArgumentException("order is not a permutation of the tokens");
            seen[t] = true;
        }
        // rowOf[token] in the old order, to carry cached rows over.
        var rowOf = new int[n];
        for (var r = 0; r < n; r++) rowOf[_order[r]] = r;
        foreach (var branch in _branches)
        {
            foreach (var buffer in branch.Keys.Concat(branch.Values).Append(branch.Output))
                Reorder(buffer, rowOf, order);
        }
        order.CopyTo(_order);
        for (var r = 0; r < n; r++)
            _sessions.Positions.AsSpan(_order[r] * d, d).CopyTo(_positions.Data.AsSpan(r * d, d));
    }

    /// <summary>Back to natural token order (the start of every generation).</summary>
    public void ResetOrder()
    {
        var identity = true;
        for (var r = 0; r < _order.Length; r++) identity &= _order[r] == r;
        if (!identity) SetOrder(Enumerable.Range(0, _order.Length).ToArray());
    }

    private static void Reorder(PinnedBuffer buffer, int[] oldRowOf, ReadOnlySpan<int> newOrder)
    {
        var w = buffer.Width;
        var copy = buffer.Data.AsSpan().ToArray();
        for (var r = 0; r < newOrder.Length; r++)
            copy.AsSpan(oldRowOf[newOrder[r]] * w, w).CopyTo(buffer.Data.AsSpan(r * w, w));
    }

    /// <summary>Loads a caption's cross-attention K/V into a branch (once per prompt, not per step).</summary>
    public void SetCaption(int branch, float[] textStates, int textTokens)
    {
        var state = _branches[branch];
        if (ReferenceEquals(state.Caption, textStates)) return;
        int d = _dims.HiddenSize;
        if (textStates.Length != textTokens * _dims.CaptionChannels)
            throw new ArgumentException($"text states have {textStates.Length} values, expected {textTokens}×{_dims.CaptionChannels}");
        using var input = OrtValue.CreateTensorValueFromMemory(textStates, [1, textTokens, _dims.CaptionChannels]);
        using var results = _sessions.Context.Run(_runOptions, ["text_states"], [input], _sessions.Context.OutputNames);
        var keys = new PinnedBuffer[_dims.Depth];
        var values = new PinnedBuffer[_dims.Depth];
        var names = _sessions.Context.OutputNames;
        for (var i = 0; i < _dims.Depth; i++)
        {
            keys[i] = new PinnedBuffer(textTokens, d);
            values[i] = new PinnedBuffer(textTokens, d);
            results[IndexOf(names, PixArtSessions.CrossKeyName(i))].GetTensorDataAsSpan<float>().CopyTo(keys[i].Data);
            results[IndexOf(names, PixArtSessions.CrossValueName(i))].GetTensorDataAsSpan<float>().CopyTo(values[i].Data);
        }
        state.SetCrossKeyValues(textStates, keys, values);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidOperationException($"context graph has no output {name}");
    }

    /// <summary>
    /// Computes tokens [0, n) (scheduling order) of every branch in [0, branches) for the given latents
    /// [C, S, S] and model timestep; their output rows and K/V rows are overwritten, the rest kept.
    /// </summary>
    public void Forward(ReadOnlySpan<float> latents, float timestep, int n, int branches)
    {
        if (n < 0 || n > _dims.Tokens) throw new ArgumentOutOfRangeException(nameof(n), n, $"token count must be in [0, {_dims.Tokens}]");
        if (branches < 1 || branches > MaxBranches) throw new ArgumentOutOfRangeException(nameof(branches));
        if (n == 0) return; // nothing to recompute: every output row keeps its cached value
        var start = Stopwatch.GetTimestamp();
        ref var sessionTicks = ref Timings.SessionTicks;

        _timestep.Data[0] = timestep;
        _condRun.Run(ref sessionTicks);
        _layout.Gather(latents, _dims.InChannels, _order, n, _patches.Data);
        EmbedRun(n).Run(ref sessionTicks);

        var attentionShape = AttentionShape.Create(1, n, _dims.Tokens, _dims.Tokens, _dims.Heads, _dims.HeadDim);
        var width = n * _dims.HiddenSize;
        for (var b = 0; b < branches; b++)
        {
            var state = _branches[b];
            if (state.Caption is null) throw new InvalidOperationException($"branch {b} has no caption; call SetCaption first");
            var runs = BranchRunsFor(state, n);
            for (var layer = 0; layer < _dims.Depth; layer++)
            {
                runs.Pre[layer].Run(ref sessionTicks);
                var attentionStart = Stopwatch.GetTimestamp();
                if (_attention is not null)
                    _attention.Attention(state.Queries.Data.AsSpan(0, width), state.Keys[layer].Data, state.Values[layer].Data,
                        state.AttentionOut.Data.AsSpan(0, width), attentionShape);
                else
                    runs.Attention![layer].Run(ref sessionTicks); // an ONNX Runtime session too

                Timings.AttentionTicks += Stopwatch.GetTimestamp() - attentionStart;
                runs.Post[layer].Run(ref sessionTicks);
            }
            runs.Final.Run(ref sessionTicks);
        }
        Timings.TotalTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Writes the image-layout prediction [C, S, S] (the first C of C_out channels) from output rows.</summary>
    public void Unpatchify(ReadOnlySpan<float> rows, Span<float> image) =>
        _layout.Scatter(rows, _dims.OutChannels, _dims.InChannels, _order, image);

    private BoundRun EmbedRun(int n)
    {
        if (!_embedRuns.TryGetValue(n, out var run))
        {
            run = new BoundRun(_sessions.Embed, _runOptions,
                [("patches", _patches.View(n)), ("positions", _positions.View(n, batched: false))],
                [("hidden", _hidden0.View(n))]);
            _embedRuns[n] = run;
        }
        return run;
    }

    private BranchRuns BranchRunsFor(BranchState s, int n)
    {
        if (s.Runs.TryGetValue(n, out var runs)) return runs;
        int depth = _dims.Depth, d = _dims.HiddenSize;
        var tMod = _tMod.ViewAs(1, 6 * d);
        var pre = new BoundRun[depth];
        var post = new BoundRun[depth];
        for (var i = 0; i < depth; i++)
        {
            var input = i == 0 ? _hidden0 : (i % 2 == 1 ? s.HiddenA : s.HiddenB);
            var output = i % 2 == 0 ? s.HiddenA : s.HiddenB;
            pre[i] = new BoundRun(_sessions.Pre[i], _runOptions,
                [("hidden", input.View(n)), ("t_mod", tMod)],
                [("q", s.Queries.View(n)), ("k", s.Keys[i].View(n)), ("v", s.Values[i].View(n))]);
            post[i] = new BoundRun(_sessions.Post[i], _runOptions,
                [("hidden", input.View(n)), ("attention", s.AttentionOut.View(n)), ("t_mod", tMod),
                 ("cross_k", s.CrossKeys[i].View(s.CrossKeys[i].Rows)), ("cross_v", s.CrossValues[i].View(s.CrossValues[i].Rows))],
                [("hidden_out", output.View(n))]);
        }
        var last = (depth - 1) % 2 == 0 ? s.HiddenA : s.HiddenB;
        var final = new BoundRun(_sessions.Final, _runOptions,
            [("hidden", last.View(n)), ("t_emb", _tEmb.ViewAs(1, d))],
            [("patch_out", s.Output.View(n))]);
        BoundRun[]? attention = null;
        if (_attention is null)
        {
            attention = new BoundRun[depth];
            for (var i = 0; i < depth; i++)
                attention[i] = new BoundRun(_sessions.Attention, _runOptions,
                    [("query", s.Queries.View(n)), ("key", s.Keys[i].View(_dims.Tokens)), ("value", s.Values[i].View(_dims.Tokens))],
                    [("output", s.AttentionOut.View(n))]);
        }
        runs = new BranchRuns(pre, post, final, attention);
        s.Runs[n] = runs;
        return runs;
    }

    public void Dispose()
    {
        foreach (var r in _embedRuns.Values) r.Dispose();
        _condRun.Dispose();
        foreach (var b in _branches) b.Dispose();
        foreach (var p in new[] { _timestep, _tMod, _tEmb, _patches, _positions, _hidden0 }) p.Dispose();
        _runOptions.Dispose();
    }
}
