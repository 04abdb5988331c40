using System.Diagnostics;
using Jano.Kernels;
using Jano.Runtime.Devices;
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
/// buffers of the step device (host memory, or GPU memory with ONNX Runtime and our kernels on one
/// stream), so a step allocates nothing and, on a GPU, moves only the computed patch rows up and the
/// output rows down: the sampler, guidance and the Jano analysis stay on the host.
/// </summary>
public sealed class DenoisingEngine : IDisposable
{
    public const int MaxBranches = 2;
    private const float MaskedKeyBias = -1e9f;

    private readonly PixArtSessions _sessions;
    private readonly ModelDims _dims;
    private readonly IStepDevice _device;
    private readonly bool _kernelAttention;
    private readonly RunOptions _runOptions = new();
    /// <summary>Default (synchronising) options for the context run, whose outputs come back to host memory and are read at once.</summary>
    private readonly RunOptions _contextRunOptions = new();
    private readonly float[] _timestepHost = new float[1];
    private readonly StepBuffer _timestep;
    private readonly StepBuffer _tMod;
    private readonly StepBuffer _tEmb;
    private readonly float[] _patchesHost;
    private readonly StepBuffer _patches;
    private readonly StepBuffer _positionTable;
    private readonly StepBuffer _positions;
    private readonly StepBuffer _hidden0;
    private readonly StepBuffer _reorderScratch;
    private readonly float[] _outputHost;
    private bool _outputHostCurrent;
    private readonly BatchState?[] _states = new BatchState?[MaxBranches + 1];
    private readonly BoundRun _condRun;
    private readonly TokenLayout _layout;
    private readonly int[] _order;
    private readonly int[] _rowOf;
    private readonly int[] _reorderIndices;
    private BatchState? _current;

    /// <param name="device">Where the buffers live and what copies between them; the engine does not own it.</param>
    /// <param name="kernelAttention">Self-attention through the device's kernel; false: the package's MultiHeadAttention graph in ONNX Runtime.</param>
    public DenoisingEngine(PixArtSessions sessions, ModelDims dims, IStepDevice device, bool kernelAttention)
    {
        _sessions = sessions;
        _dims = dims;
        _device = device;
        _kernelAttention = kernelAttention;
        // On a GPU, ONNX Runtime must not wait for its stream after each run: the next stage, and our
        // kernels, are queued on the same stream, and Output() waits once per step.
        if (device.ComputeStream is not null) _runOptions.AddRunConfigEntry("disable_synchronize_execution_providers", "1");
        int n = dims.Tokens, d = dims.HiddenSize;
        _timestep = device.Allocate(1, 1);
        _tMod = device.Allocate(1, 6 * d);
        _tEmb = device.Allocate(1, d);
        _patchesHost = new float[n * dims.PatchInputWidth]; // staging: Upload copies out of it before returning
        _patches = device.Allocate(MaxBranches * n, dims.PatchInputWidth);
        _positionTable = device.Allocate(n, d);
        _positions = device.Allocate(n, d);
        _hidden0 = device.Allocate(MaxBranches * n, d);
        _reorderScratch = device.Allocate(MaxBranches * n, Math.Max(d, dims.PatchOutputWidth));
        _outputHost = new float[MaxBranches * n * dims.PatchOutputWidth];
        _layout = new TokenLayout(dims.SampleSize, dims.PatchSize);
        _order = Enumerable.Range(0, n).ToArray();
        _rowOf = new int[n];
        _reorderIndices = new int[n];
        device.Upload(sessions.Positions, _positionTable, 0);
        device.Copy(_positionTable, 0, _positions, 0, _positions.Length);
        _condRun = new BoundRun(sessions.Cond, _runOptions,
            [("timestep", _timestep.ViewAs(1))],
            [("t_mod", _tMod.ViewAs(1, 6 * d)), ("t_emb", _tEmb.ViewAs(1, d))]);
    }

    /// <summary>What holds the buffers (for reports).</summary>
    public IStepDevice Device => _device;

    public ModelDims Dims => _dims;

    /// <summary>Scheduling order: row r of every per-token buffer is token Order[r].</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Session and attention time, accumulated over every forward; the step total is the pipeline's to measure.</summary>
    public StepTimings Timings { get; } = new();

    /// <summary>
    /// Output rows [N, p·p·C_out] of a branch (0 conditional, 1 unconditional), in scheduling order.
    /// On a GPU the first call after a forward waits for it and downloads every branch's rows once.
    /// </summary>
    public ReadOnlySpan<float> Output(int branch)
    {
        var state = Current;
        var rows = _dims.Tokens * state.Output.Width;
        if (state.Output.HostData is { } host) return host.AsSpan(branch * rows, rows);
        if (!_outputHostCurrent)
        {
            _device.Download(state.Output, 0, _outputHost.AsSpan(0, state.Batch * rows));
            _outputHostCurrent = true;
        }
        return _outputHost.AsSpan(branch * rows, rows);
    }

    /// <summary>A branch's self-attention keys of one layer [N, D], in scheduling order (tests, introspection; copies).</summary>
    public float[] Keys(int branch, int layer) => Item(Current.Keys[layer], branch);

    public float[] Values(int branch, int layer) => Item(Current.Values[layer], branch);

    private BatchState Current => _current ?? throw new InvalidOperationException("no captions set; call SetCaptions first");

    private float[] Item(StepBuffer buffer, int item)
    {
        var rows = _dims.Tokens * buffer.Width;
        var copy = new float[rows];
        _device.Download(buffer, (long)item * rows, copy);
        return copy;
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
        for (var r = 0; r < n; r++) _rowOf[_order[r]] = r;
        for (var r = 0; r < n; r++) _reorderIndices[r] = _rowOf[order[r]]; // new row r ← old row of token order[r]
        foreach (var state in _states)
        {
            if (state is null) continue;
            foreach (var buffer in state.Keys)
                Reorder(buffer, state.Batch);
            foreach (var buffer in state.Values)
                Reorder(buffer, state.Batch);
            Reorder(state.Output, state.Batch);
        }
        order.CopyTo(_order);
        _device.GatherRows(_positionTable, _order, _positions, new RowShape(1, n, n, _dims.HiddenSize));
        _outputHostCurrent = false;
        Timings.RowsTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Back to natural token order (the start of every generation).</summary>
    public void ResetOrder()
    {
        var identity = true;
        for (var r = 0; r < _order.Length; r++) identity &= _order[r] == r;
        if (!identity) SetOrder(Enumerable.Range(0, _order.Length).ToArray());
    }

    /// <summary>Rows of every item of a persistent [B, N, W] buffer permuted by <see cref="_reorderIndices"/> (through the scratch buffer).</summary>
    private void Reorder(StepBuffer buffer, int batch)
    {
        int n = _dims.Tokens, w = buffer.Width;
        _device.GatherRows(buffer, _reorderIndices, _reorderScratch, new RowShape(batch, n, n, w));
        _device.Copy(_reorderScratch, 0, buffer, 0, (long)batch * n * w);
    }

    /// <summary>
    /// Loads the captions' cross-attention K/V (once per prompt pair, not per step): the conditional
    /// caption alone (guidance off) or both, padded to one length with a key bias masking the padding.
    /// </summary>
    public void SetCaptions(float[] cond, int condTokens, float[]? uncond, int uncondTokens)
    {
        var batch = uncond is null ? 1 : 2;
        var state = _states[batch] ??= new BatchState(_device, batch, _dims.Tokens, _dims.HiddenSize, _dims.Depth, _dims.PatchOutputWidth);
        _outputHostCurrent = false;
        _current = state;
        if (ReferenceEquals(state.Captions[0], cond) && ReferenceEquals(state.Captions[1], uncond)) return;

        int d = _dims.HiddenSize, depth = _dims.Depth;
        var lengths = batch == 1 ? new[] { condTokens } : new[] { condTokens, uncondTokens };
        var captions = batch == 1 ? new[] { cond } : new[] { cond, uncond! };
        var length = lengths.Max();
        for (var b = 0; b < batch; b++)
            if (captions[b].Length != lengths[b] * _dims.CaptionChannels)
                throw new ArgumentException($"text states have {captions[b].Length} values, expected {lengths[b]}×{_dims.CaptionChannels}");
        var keys = Enumerable.Range(0, depth).Select(_ => _device.Allocate(batch * length, d)).ToArray();
        var values = Enumerable.Range(0, depth).Select(_ => _device.Allocate(batch * length, d)).ToArray();
        var bias = _device.Allocate(batch, length);
        var biasHost = new float[batch * length];
        for (var b = 0; b < batch; b++)
        {
            for (var j = lengths[b]; j < length; j++) biasHost[b * length + j] = MaskedKeyBias;
            using var input = OrtValue.CreateTensorValueFromMemory(captions[b], [1, lengths[b], _dims.CaptionChannels]);
            using var results = _sessions.Context.Run(_contextRunOptions, ["text_states"], [input], _sessions.Context.OutputNames);
            var names = _sessions.Context.OutputNames;
            for (var i = 0; i < depth; i++)
            {
                _device.Upload(results[IndexOf(names, PixArtSessions.CrossKeyName(i))].GetTensorDataAsSpan<float>(), keys[i], (long)b * length * d);
                _device.Upload(results[IndexOf(names, PixArtSessions.CrossValueName(i))].GetTensorDataAsSpan<float>(), values[i], (long)b * length * d);
            }
        }
        _device.Upload(biasHost, bias, 0);
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

        _outputHostCurrent = false;
        _timestepHost[0] = timestep;
        _device.Upload(_timestepHost, _timestep, 0);
        _condRun.Run(ref sessionTicks);
        var patchWidth = _dims.PatchInputWidth;
        var rowsStart = Stopwatch.GetTimestamp();
        _layout.Gather(latents, _dims.InChannels, _order, n, _patchesHost);
        _device.Upload(_patchesHost.AsSpan(0, n * patchWidth), _patches, 0);
        for (var b = 1; b < batch; b++) // every branch starts from the same latents
            _device.Copy(_patches, 0, _patches, (long)b * n * patchWidth, (long)n * patchWidth);
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;

        var runs = RunsFor(state, n);
        runs.Embed.Run(ref sessionTicks);
        var attentionShape = AttentionShape.Create(batch, n, tokens, tokens, _dims.Heads, _dims.HeadDim);
        for (var layer = 0; layer < _dims.Depth; layer++)
        {
            runs.Pre[layer].Run(ref sessionTicks);
            rowsStart = Stopwatch.GetTimestamp();
            ScatterRows(state.NewKeys, state.Keys[layer], batch, n, tokens);
            ScatterRows(state.NewValues, state.Values[layer], batch, n, tokens);
            Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
            var attentionStart = Stopwatch.GetTimestamp();
            if (_kernelAttention)
                _device.Attention(state.Queries, state.Keys[layer], state.Values[layer], state.AttentionOut, attentionShape);
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
    private void ScatterRows(StepBuffer packed, StepBuffer persistent, int batch, int n, int tokens)
    {
        var w = persistent.Width;
        for (var b = 0; b < batch; b++)
            _device.Copy(packed, (long)b * n * w, persistent, (long)b * tokens * w, (long)n * w);
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
        if (!_kernelAttention)
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
        foreach (var p in new[] { _timestep, _tMod, _tEmb, _patches, _positionTable, _positions, _hidden0, _reorderScratch }) p.Dispose();
        _runOptions.Dispose();
        _contextRunOptions.Dispose();
    }
}
