using System.Diagnostics;
using Jano.Kernels;
using Jano.Runtime.Onnx;
using Jano.Runtime.Packages;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Pipeline;

/// <summary>
/// One transformer forward over the first n tokens in scheduling order for the guidance branches,
/// exactly DESIGN.md's step loop: embed → per block (pre → new K/V rows [0, n) into the persistent
/// buffers → attention of n queries against all N keys → post) → final into rows [0, n) of the
/// persistent output. A dense step is n = N in natural order. The conditional and unconditional
/// branches run as one batch of two (captions padded to one length, padding masked by a key bias),
/// which halves the number of ONNX Runtime runs. All inputs and outputs are bound to persistent
/// buffers, so a step allocates nothing.
/// </summary>
public sealed class DenoisingEngine : IDisposable
{
    public const int MaxBranches = 2;
    private const float MaskedKeyBias = -1e9f;

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
    private readonly BatchState?[] _states = new BatchState?[MaxBranches + 1];
    private readonly BoundRun _condRun;
    private readonly TokenLayout _layout;
    private readonly int[] _order;
    private BatchState? _current;

    /// <param name="attention">The attention kernel, or null to run the package's MultiHeadAttention graph in ONNX Runtime.</param>
    public DenoisingEngine(PixArtSessions sessions, ModelDims dims, IAttentionKernel? attention)
    {
        _sessions = sessions;
        _dims = dims;
        _attention = attention;
        int n = dims.Tokens, d = dims.HiddenSize;
        _tMod = new PinnedBuffer(1, 6 * d);
        _tEmb = new PinnedBuffer(1, d);
        _patches = new PinnedBuffer(MaxBranches * n, dims.PatchInputWidth);
        _positions = new PinnedBuffer(n, d);
        _hidden0 = new PinnedBuffer(MaxBranches * n, d);
        _layout = new TokenLayout(dims.SampleSize, dims.PatchSize);
        _order = Enumerable.Range(0, n).ToArray();
        CopyPositions();
        _condRun = new BoundRun(sessions.Cond, _runOptions,
            [("timestep", _timestep.ViewAs(1))],
            [("t_mod", _tMod.ViewAs(1, 6 * d)), ("t_emb", _tEmb.ViewAs(1, d))]);
    }

    public ModelDims Dims => _dims;

    /// <summary>Scheduling order: row r of every per-token buffer is token Order[r].</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Session and attention time, accumulated over every forward; the step total is the pipeline's to measure.</summary>
    public StepTimings Timings { get; } = new();

    /// <summary>Output rows [N, p·p·C_out] of a branch (0 conditional, 1 unconditional), in scheduling order.</summary>
    public ReadOnlySpan<float> Output(int branch) => Item(Current.Output, branch);

    /// <summary>A branch's self-attention keys of one layer [N, D], in scheduling order (tests, introspection).</summary>
    public ReadOnlySpan<float> Keys(int branch, int layer) => Item(Current.Keys[layer], branch);

    public ReadOnlySpan<float> Values(int branch, int layer) => Item(Current.Values[layer], branch);

    private BatchState Current => _current ?? throw new InvalidOperationException("no captions set; call SetCaptions first");

    private ReadOnlySpan<float> Item(PinnedBuffer buffer, int item)
    {
        var rows = _dims.Tokens * buffer.Width;
        return buffer.Data.AsSpan(item * rows, rows);
    }

    /// <summary>
    /// Sets the scheduling order. Rows of the persistent buffers move along, so every token keeps its
    /// cached K/V and output values under the new order.
    /// </summary>
    public void SetOrder(ReadOnlySpan<int> order)
    {
        var start = Stopwatch.GetTimestamp();
        int n = _dims.Tokens;
        if (order.Length != n) throw new ArgumentException($"order has {order.Length} entries, the model has {n} tokens");
        var seen = new bool[n];
        foreach (var t in order)
        {
            if ((uint)t >= (uint)n || seen[t]) throw new ArgumentException("order is not a permutation of the tokens");
            seen[t] = true;
        }
        var rowOf = new int[n];
        for (var r = 0; r < n; r++) rowOf[_order[r]] = r;
        foreach (var state in _states)
        {
            if (state is null) continue;
            foreach (var buffer in state.Keys.Concat(state.Values).Append(state.Output))
                for (var b = 0; b < state.Batch; b++)
                    Reorder(buffer, b, n, rowOf, order);
        }
        order.CopyTo(_order);
        CopyPositions();
        Timings.RowsTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Back to natural token order (the start of every generation).</summary>
    public void ResetOrder()
    {
        var identity = true;
        for (var r = 0; r < _order.Length; r++) identity &= _order[r] == r;
        if (!identity) SetOrder(Enumerable.Range(0, _order.Length).ToArray());
    }

    private void CopyPositions()
    {
        var d = _dims.HiddenSize;
        for (var r = 0; r < _order.Length; r++)
            _sessions.Positions.AsSpan(_order[r] * d, d).CopyTo(_positions.Data.AsSpan(r * d, d));
    }

    private static void Reorder(PinnedBuffer buffer, int item, int tokens, int[] oldRowOf, ReadOnlySpan<int> newOrder)
    {
        var w = buffer.Width;
        var block = buffer.Data.AsSpan(item * tokens * w, tokens * w);
        var copy = block.ToArray();
        for (var r = 0; r < tokens; r++)
            copy.AsSpan(oldRowOf[newOrder[r]] * w, w).CopyTo(block.Slice(r * w, w));
    }

    /// <summary>
    /// Loads the captions' cross-attention K/V (once per prompt pair, not per step): the conditional
    /// caption alone (guidance off) or both, padded to one length with a key bias masking the padding.
    /// </summary>
    public void SetCaptions(float[] cond, int condTokens, float[]? uncond, int uncondTokens)
    {
        var batch = uncond is null ? 1 : 2;
        var state = _states[batch] ??= new BatchState(batch, _dims.Tokens, _dims.HiddenSize, _dims.Depth, _dims.PatchOutputWidth);
        _current = state;
        if (ReferenceEquals(state.Captions[0], cond) && ReferenceEquals(state.Captions[1], uncond)) return;

        int d = _dims.HiddenSize, depth = _dims.Depth;
        var lengths = batch == 1 ? new[] { condTokens } : new[] { condTokens, uncondTokens };
        var captions = batch == 1 ? new[] { cond } : new[] { cond, uncond! };
        var length = lengths.Max();
        var keys = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(batch * length, d)).ToArray();
        var values = Enumerable.Range(0, depth).Select(_ => new PinnedBuffer(batch * length, d)).ToArray();
        var bias = new PinnedBuffer(batch, length);
        for (var b = 0; b < batch; b++)
        {
            if (captions[b].Length != lengths[b] * _dims.CaptionChannels)
                throw new ArgumentException($"text states have {captions[b].Length} values, expected {lengths[b]}×{_dims.CaptionChannels}");
            for (var j = lengths[b]; j < length; j++) bias.Data[b * length + j] = MaskedKeyBias;
            using var input = OrtValue.CreateTensorValueFromMemory(captions[b], [1, lengths[b], _dims.CaptionChannels]);
            using var results = _sessions.Context.Run(_runOptions, ["text_states"], [input], _sessions.Context.OutputNames);
            var names = _sessions.Context.OutputNames;
            for (var i = 0; i < depth; i++)
            {
                results[IndexOf(names, PixArtSessions.CrossKeyName(i))].GetTensorDataAsSpan<float>().CopyTo(keys[i].Data.AsSpan(b * length * d));
                results[IndexOf(names, PixArtSessions.CrossValueName(i))].GetTensorDataAsSpan<float>().CopyTo(values[i].Data.AsSpan(b * length * d));
            }
        }
        state.SetCaptions(keys, values, bias, length);
        state.Captions[0] = cond;
        state.Captions[1] = uncond;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidOperationException($"context graph has no output {name}");
    }

    /// <summary>
    /// Computes tokens [0, n) (scheduling order) of every branch for the given latents [C, S, S] and
    /// model timestep; their output and K/V rows are overwritten, the rest kept.
    /// </summary>
    public void Forward(ReadOnlySpan<float> latents, float timestep, int n)
    {
        var state = Current;
        if (n < 0 || n > _dims.Tokens) throw new ArgumentOutOfRangeException(nameof(n), n, $"token count must be in [0, {_dims.Tokens}]");
        if (n == 0) return; // nothing to recompute: every output row keeps its cached value
        ref var sessionTicks = ref Timings.SessionTicks;
        int batch = state.Batch, d = _dims.HiddenSize, tokens = _dims.Tokens;

        _timestep.Data[0] = timestep;
        _condRun.Run(ref sessionTicks);
        var patchWidth = _dims.PatchInputWidth;
        var rowsStart = Stopwatch.GetTimestamp();
        _layout.Gather(latents, _dims.InChannels, _order, n, _patches.Data);
        for (var b = 1; b < batch; b++) // every branch starts from the same latents
            _patches.Data.AsSpan(0, n * patchWidth).CopyTo(_patches.Data.AsSpan(b * n * patchWidth));
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;

        var runs = RunsFor(state, n);
        runs.Embed.Run(ref sessionTicks);
        var attentionShape = AttentionShape.Create(batch, n, tokens, tokens, _dims.Heads, _dims.HeadDim);
        var packed = batch * n * d;
        for (var layer = 0; layer < _dims.Depth; layer++)
        {
            runs.Pre[layer].Run(ref sessionTicks);
            rowsStart = Stopwatch.GetTimestamp();
            ScatterRows(state.NewKeys, state.Keys[layer], batch, n, tokens);
            ScatterRows(state.NewValues, state.Values[layer], batch, n, tokens);
            Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
            var attentionStart = Stopwatch.GetTimestamp();
            if (_attention is not null)
                _attention.Attention(state.Queries.Data.AsSpan(0, packed), state.Keys[layer].Data, state.Values[layer].Data,
                    state.AttentionOut.Data.AsSpan(0, packed), attentionShape);
            else
                runs.Attention![layer].Run(ref sessionTicks); // an ONNX Runtime session too
            Timings.AttentionTicks += Stopwatch.GetTimestamp() - attentionStart;
            runs.Post[layer].Run(ref sessionTicks);
        }
        runs.Final.Run(ref sessionTicks);
        rowsStart = Stopwatch.GetTimestamp();
        ScatterRows(state.NewOutput, state.Output, batch, n, tokens);
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
    }

    /// <summary>Packed rows [B, n, W] → rows [0, n) of each item of a persistent [B, N, W] buffer.</summary>
    private static void ScatterRows(PinnedBuffer packed, PinnedBuffer persistent, int batch, int n, int tokens)
    {
        var w = persistent.Width;
        for (var b = 0; b < batch; b++)
            packed.Data.AsSpan(b * n * w, n * w).CopyTo(persistent.Data.AsSpan(b * tokens * w));
    }

    /// <summary>Writes the image-layout prediction [C, S, S] (the first C of C_out channels) from output rows.</summary>
    public void Unpatchify(ReadOnlySpan<float> rows, Span<float> image) =>
        _layout.Scatter(rows, _dims.OutChannels, _dims.InChannels, _order, image);

    private BatchRuns RunsFor(BatchState s, int n)
    {
        if (s.Runs.TryGetValue(n, out var runs)) return runs;
        int depth = _dims.Depth, d = _dims.HiddenSize, b = s.Batch, tokens = _dims.Tokens;
        var tMod = _tMod.ViewAs(1, 6 * d);
        var embed = new BoundRun(_sessions.Embed, _runOptions,
            [("patches", _patches.View(b, n)), ("positions", _positions.View(0, n))],
            [("hidden", _hidden0.View(b, n))]);
        var pre = new BoundRun[depth];
        var post = new BoundRun[depth];
        for (var i = 0; i < depth; i++)
        {
            var input = i == 0 ? _hidden0 : (i % 2 == 1 ? s.HiddenA : s.HiddenB);
            var output = i % 2 == 0 ? s.HiddenA : s.HiddenB;
            pre[i] = new BoundRun(_sessions.Pre[i], _runOptions,
                [("hidden", input.View(b, n)), ("t_mod", tMod)],
                [("q", s.Queries.View(b, n)), ("k", s.NewKeys.View(b, n)), ("v", s.NewValues.View(b, n))]);
            post[i] = new BoundRun(_sessions.Post[i], _runOptions,
                [("hidden", input.View(b, n)), ("attention", s.AttentionOut.View(b, n)), ("t_mod", tMod),
                 ("cross_k", s.CrossKeys[i].View(b, s.CaptionTokens)), ("cross_v", s.CrossValues[i].View(b, s.CaptionTokens)),
                 ("cross_bias", s.CrossBias.View(0, b))],
                [("hidden_out", output.View(b, n))]);
        }
        var last = (depth - 1) % 2 == 0 ? s.HiddenA : s.HiddenB;
        var final = new BoundRun(_sessions.Final, _runOptions,
            [("hidden", last.View(b, n)), ("t_emb", _tEmb.ViewAs(1, d))],
            [("patch_out", s.NewOutput.View(b, n))]);
        BoundRun[]? attention = null;
        if (_attention is null)
        {
            attention = new BoundRun[depth];
            for (var i = 0; i < depth; i++)
                attention[i] = new BoundRun(_sessions.Attention, _runOptions,
                    [("query", s.Queries.View(b, n)), ("key", s.Keys[i].View(b, tokens)), ("value", s.Values[i].View(b, tokens))],
                    [("output", s.AttentionOut.View(b, n))]);
        }
        runs = new BatchRuns(embed, pre, post, final, attention);
        s.Runs[n] = runs;
        return runs;
    }

    public void Dispose()
    {
        _condRun.Dispose();
        foreach (var s in _states) s?.Dispose();
        foreach (var p in new[] { _timestep, _tMod, _tEmb, _patches, _positions, _hidden0 }) p.Dispose();
        _runOptions.Dispose();
    }
}
