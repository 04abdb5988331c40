using System.Diagnostics;
using Jano.Core.Geometry;
using Jano.Kernels;
using Jano.Runtime.Devices;
using Jano.Runtime.Onnx;
using Jano.Runtime.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Engine;

/// <summary>
/// One transformer forward over the prefix rows and the first n image tokens in scheduling order, for
/// every guidance branch at once, whatever the family (the block program says which graphs run):
/// embed → per block (pre → new K/V rows [0, L + n) into the persistent buffers → attention of L + n
/// queries against all L + N keys → post) → final into rows [0, n) of the persistent output. A dense
/// step is n = N in natural order; every acceleration is a smaller n or a new order on the same path.
/// A block with the image-only attention (the shape says which: SD3.5's joint-dual) also writes its new
/// k2/v2 rows [0, n) into a second persistent K/V of the N image rows and attends its n image queries
/// against all N, between the joint attention and post.
/// The conditional and unconditional branches run as one batch of two; an engine made for several images
/// (<see cref="MaxImages"/>) runs images × branches items in one forward (batch item j·branches + b is branch
/// b of image j), each image with its own latents and captions, all at one timestep and one scheduling order.
/// Every input and output is bound
/// to a persistent buffer of the step device (host memory, or GPU memory with ONNX Runtime and our
/// kernels on one stream), so a step allocates nothing and, on a GPU, moves only the computed patch
/// rows up and the output rows down: the scheduler, guidance and the Jano analysis stay on the host.
/// </summary>
public sealed class TokenEngine : IDisposable
{
    public const int MaxBranches = 2;

    private readonly IBlockProgram _program;
    private readonly EngineShape _shape;
    private readonly IStepDevice _device;
    private readonly bool _kernelAttention;
    private readonly RunOptions _runOptions = new();
    /// <summary>Default (synchronising) options for the caption run, whose outputs are read at once.</summary>
    private readonly RunOptions _captionRunOptions = new();
    private readonly float[] _timestepHost = new float[1];
    private readonly StepBuffer _timestep;
    /// <summary>The embedded guidance scale [1] (FLUX.1-dev's cond input), set once per generation.</summary>
    private readonly StepBuffer _guidance;
    private readonly float[] _patchesHost;
    private readonly StepBuffer _patches;
    private readonly StepBuffer _embedded;
    private readonly StepBuffer _reorderScratch;
    private readonly TokenTableBuffer[] _tables;
    private readonly EngineBindings _bindings;
    private readonly float[] _outputHost;
    private bool _outputHostCurrent;
    private readonly BatchBuffers?[] _batches;
    private readonly BoundRun? _condRun;
    private readonly TokenLayout _layout;
    private readonly int _channels, _outChannels;
    private readonly int[] _order;
    private readonly int[] _rowOf;
    private readonly int[] _reorderTokens;
    private readonly int[] _reorderRows;
    /// <summary>Per block: whether it runs the image-only attention (all false for PixArt and SD3 without dual attention).</summary>
    private readonly bool[] _imageAttention;
    private BatchBuffers? _current;
    /// <summary>Scratch of <see cref="SetOrder"/>'s permutation check (no allocation per call: ToCa reorders every step).</summary>
    private readonly bool[] _seen;
    private BlockResidual? _residual;
    private bool _keepResidual;

    /// <param name="program">The family's block program; the engine attaches to it and detaches on dispose (it does not own it).</param>
    /// <param name="geometry">The latent size of the images this engine computes.</param>
    /// <param name="device">Where the buffers live and what copies between them; the engine does not own it.</param>
    /// <param name="kernelAttention">Attention through the device's kernel; false: the program's MultiHeadAttention graph in ONNX Runtime.</param>
    /// <param name="maxImages">Images one forward may carry (each with its guidance branches): the buffers are sized for it.</param>
    public TokenEngine(IBlockProgram program, LatentGeometry geometry, IStepDevice device, bool kernelAttention, int maxImages = 1)
    {
        if (maxImages < 1) throw new ArgumentOutOfRangeException(nameof(maxImages), maxImages, "an engine carries at least one image");
        MaxImages = maxImages;
        var maxBatch = MaxBranches * maxImages;
        _batches = new BatchBuffers?[maxBatch + 1];
        _program = program;
        Geometry = geometry;
        _shape = program.ShapeFor(geometry);
        _device = device;
        _kernelAttention = kernelAttention;
        _layout = new TokenLayout(geometry);
        _channels = geometry.Channels;
        _outChannels = geometry.OutChannels;
        if (_layout.Tokens != _shape.Tokens) throw new ArgumentException($"the layout has {_layout.Tokens} tokens, the program {_shape.Tokens}");
        // On a GPU, ONNX Runtime must not wait for its stream after each run: the next stage, and our
        // kernels, are queued on the same stream, and Output() waits once per step.
        if (device.ComputeStream is not null) _runOptions.AddRunConfigEntry("disable_synchronize_execution_providers", "1");
        int n = _shape.Tokens, rows = _shape.Rows, d = _shape.HiddenSize;
        _timestep = device.Allocate(1, 1);
        _guidance = device.Allocate(1, 1);
        _patchesHost = new float[n * _shape.PatchInputWidth]; // staging: Upload copies out of it before returning
        _patches = device.Allocate(maxBatch * n, _shape.PatchInputWidth);
        _embedded = device.Allocate(maxBatch * rows, d);
        _reorderScratch = device.Allocate(maxBatch * rows, Math.Max(d, _shape.PatchOutputWidth));
        _outputHost = new float[maxBatch * n * _shape.PatchOutputWidth];
        _order = Enumerable.Range(0, n).ToArray();
        _rowOf = new int[n];
        _seen = new bool[n];
        _reorderTokens = new int[n];
        _reorderRows = Enumerable.Range(0, rows).ToArray();
        if (_shape.ImageAttentionLayers is { } flags && flags.Count != _shape.Depth)
            throw new ArgumentException($"the program flags {flags.Count} blocks for image attention, the model has {_shape.Depth}");
        _imageAttention = Enumerable.Range(0, _shape.Depth).Select(_shape.HasImageAttention).ToArray();
        _tables = program.TablesFor(geometry).Select(t => new TokenTableBuffer(device, t.Name, t.Values, t.Width, t.IncludesPrefix, _shape.PrefixRows)).ToArray();
        _bindings = new EngineBindings(device, _runOptions, _patches, _embedded, _tables, _guidance);
        _condRun = program.Attach(device, _runOptions, _timestep, geometry);
    }

    /// <summary>The latent size this engine computes.</summary>
    public LatentGeometry Geometry { get; }

    /// <summary>The most images one forward carries (<see cref="SetImageCaptions"/>).</summary>
    public int MaxImages { get; }

    /// <summary>Images in the current batch (1 after <see cref="SetCaptions"/>).</summary>
    public int Images { get; private set; } = 1;

    /// <summary>What holds the buffers (for reports).</summary>
    public IStepDevice Device => _device;

    public EngineShape Shape => _shape;

    /// <summary>Scheduling order of the image tokens: image row r of every per-token buffer is token Order[r].</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Session and attention time, accumulated over every forward; the step total is the pipeline's to measure.</summary>
    public StepTimings Timings { get; } = new();

    /// <summary>
    /// Output rows [N, W] of a batch item: a branch (0 conditional, 1 unconditional), or with several
    /// images, item j·branches + b (branch b of image j); in scheduling order.
    /// On a GPU the first call after a forward waits for it and downloads every branch's rows once.
    /// </summary>
    public ReadOnlySpan<float> Output(int branch)
    {
        var batch = Current;
        var rows = _shape.Tokens * batch.Output.Width;
        if (batch.Output.HostData is { } host) return host.AsSpan(branch * rows, rows);
        if (!_outputHostCurrent)
        {
            _device.Download(batch.Output, 0, _outputHost.AsSpan(0, batch.Batch * rows));
            _outputHostCurrent = true;
        }
        return _outputHost.AsSpan(branch * rows, rows);
    }

    /// <summary>A branch's self-attention keys of one layer [L + N, D]: prefix rows, then image rows in scheduling order (tests, introspection; copies).</summary>
    public float[] Keys(int branch, int layer) => Item(Current.Keys[layer], branch, _shape.Rows);

    public float[] Values(int branch, int layer) => Item(Current.Values[layer], branch, _shape.Rows);

    /// <summary>A branch's image-only attention keys of a joint-dual layer [N, D]: image rows in scheduling order, no prefix rows (tests; copies).</summary>
    public float[] Keys2(int branch, int layer) => Item(Current.Keys2[layer] ?? throw NoImageAttention(layer), branch, _shape.Tokens);

    public float[] Values2(int branch, int layer) => Item(Current.Values2[layer] ?? throw NoImageAttention(layer), branch, _shape.Tokens);

    private static InvalidOperationException NoImageAttention(int layer) => new($"block {layer} has no image-only attention (not a joint-dual block)");

    private BatchBuffers Current => _current ?? throw new InvalidOperationException("no captions set; call SetCaptions first");

    private float[] Item(StepBuffer buffer, int item, int rowsPerItem)
    {
        var rows = rowsPerItem * buffer.Width;
        var copy = new float[rows];
        _device.Download(buffer, (long)item * rows, copy);
        return copy;
    }

    /// <summary>
    /// Sets the scheduling order of the image tokens. Rows of the persistent buffers move along, so
    /// every token keeps its cached K/V (both attentions' in joint-dual blocks) and output values under the
    /// new order; prefix rows stay put.
    /// </summary>
    public void SetOrder(ReadOnlySpan<int> order)
    {
        var start = Stopwatch.GetTimestamp();
        int n = _shape.Tokens, prefix = _shape.PrefixRows;
        if (order.Length != n) throw new ArgumentException($"order has {order.Length} entries, the model has {n} tokens");
        var seen = _seen;
        Array.Clear(seen);
        foreach (var t in order)
        {
            if ((uint)t >= (uint)n || seen[t]) throw new ArgumentException("order is not a permutation of the tokens");
            seen[t] = true;
        }
        _residual?.Reset(); // its rows are in the old order
        for (var r = 0; r < n; r++) _rowOf[_order[r]] = r;
        for (var r = 0; r < n; r++)
        {
            _reorderTokens[r] = _rowOf[order[r]]; // new row r ← old row of token order[r]
            _reorderRows[prefix + r] = prefix + _reorderTokens[r];
        }
        foreach (var batch in _batches)
        {
            if (batch is null) continue;
            foreach (var buffer in batch.Keys) Reorder(buffer, batch.Batch, _reorderRows);
            foreach (var buffer in batch.Values) Reorder(buffer, batch.Batch, _reorderRows);
            // The image-only attention's caches hold image rows alone: they move as the output does.
            foreach (var buffer in batch.Keys2) if (buffer is not null) Reorder(buffer, batch.Batch, _reorderTokens);
            foreach (var buffer in batch.Values2) if (buffer is not null) Reorder(buffer, batch.Batch, _reorderTokens);
            Reorder(batch.Output, batch.Batch, _reorderTokens);
        }
        order.CopyTo(_order);
        foreach (var table in _tables) table.Reorder(_device, _order);
        _outputHostCurrent = false;
        Timings.RowsTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>
    /// The guidance scale a guidance-distilled model takes as an input (FLUX.1-dev's guidance embedding),
    /// for every following step; programs whose cond graph has no such input ignore it.
    /// </summary>
    public void SetEmbeddedGuidance(float scale)
    {
        Span<float> value = [scale];
        _device.Upload(value, _guidance, 0);
    }

    /// <summary>Back to natural token order (the start of every generation).</summary>
    public void ResetOrder()
    {
        var identity = true;
        for (var r = 0; r < _order.Length; r++) identity &= _order[r] == r;
        if (!identity) SetOrder(Enumerable.Range(0, _order.Length).ToArray());
    }

    /// <summary>Rows of every item of a persistent [B, R, W] buffer permuted by <paramref name="indices"/> (through the scratch buffer).</summary>
    private void Reorder(StepBuffer buffer, int batch, int[] indices)
    {
        int rows = indices.Length, w = buffer.Width;
        _device.GatherRows(buffer, indices, _reorderScratch, new RowShape(batch, rows, rows, w));
        _device.Copy(_reorderScratch, 0, buffer, 0, (long)batch * rows * w);
    }

    /// <summary>
    /// Sets the text conditioning of the branches (once per prompt pair, not per step): the conditional
    /// caption alone (guidance off) or both; the program pads them to one length.
    /// </summary>
    public void SetCaptions(CaptionInput cond, CaptionInput? uncond)
    {
        var count = uncond is null ? 1 : 2;
        var batch = _batches[count] ??= new BatchBuffers(_device, count, _shape);
        _outputHostCurrent = false;
        _residual?.Reset();
        _current = batch;
        Images = 1;
        // The same captions (states and pooled vectors, by reference) keep their buffers: once per prompt pair.
        if (ReferenceEquals(batch.CaptionKeys[0], cond.States) && ReferenceEquals(batch.CaptionKeys[1], uncond?.States)
            && ReferenceEquals(batch.CaptionKeys[2], cond.Pooled) && ReferenceEquals(batch.CaptionKeys[3], uncond?.Pooled)) return;
        var captions = uncond is null ? new[] { cond } : new[] { cond, uncond };
        var buffers = _program.EncodeCaptions(_device, _captionRunOptions, captions);
        batch.ClearRuns();
        batch.Captions?.Dispose();
        batch.Captions = buffers;
        batch.CaptionKeys[0] = cond.States;
        batch.CaptionKeys[1] = uncond?.States;
        batch.CaptionKeys[2] = cond.Pooled;
        batch.CaptionKeys[3] = uncond?.Pooled;
    }

    /// <summary>
    /// Sets the captions of several images run in one forward: per image its conditional caption and, with
    /// guidance, its unconditional one (every image the same number of branches). Batch item
    /// j·branches + b is branch b of image j. The program's caption stage runs for all of them (captions are
    /// padded to the longest in the batch); nothing is reused from an earlier batch.
    /// </summary>
    public void SetImageCaptions(IReadOnlyList<CaptionInput> cond, IReadOnlyList<CaptionInput>? uncond)
    {
        var images = cond.Count;
        if (images < 1 || images > MaxImages) throw new ArgumentOutOfRangeException(nameof(cond), images, $"this engine carries 1 to {MaxImages} images");
        if (uncond is not null && uncond.Count != images) throw new ArgumentException($"{images} conditional captions but {uncond.Count} unconditional ones");
        var branches = uncond is null ? 1 : 2;
        var captions = new CaptionInput[images * branches];
        for (var j = 0; j < images; j++)
        {
            captions[j * branches] = cond[j];
            if (uncond is not null) captions[j * branches + 1] = uncond[j];
        }
        var batch = _batches[captions.Length] ??= new BatchBuffers(_device, captions.Length, _shape);
        _outputHostCurrent = false;
        _residual?.Reset();
        _current = batch;
        Images = images;
        var buffers = _program.EncodeCaptions(_device, _captionRunOptions, captions);
        batch.ClearRuns();
        batch.Captions?.Dispose();
        batch.Captions = buffers;
        Array.Clear(batch.CaptionKeys); // a later SetCaptions must not take these for its own
    }

    /// <summary>
    /// Computes the prefix rows and image tokens [0, n) (scheduling order) of every branch for the
    /// given latents [C, H, W] and model timestep; their output and K/V rows are overwritten, the rest kept.
    /// </summary>
    public void Forward(ReadOnlySpan<float> latents, float timestep, int n)
    {
        if (Images != 1) throw new InvalidOperationException($"the captions are of {Images} images; give each its latents (ForwardImages)");
        Forward(latents, null, timestep, n);
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float}, float, int)"/> for the images of <see cref="SetImageCaptions"/>:
    /// each image's latents [C, H, W] feed its branches; one timestep and one token count n for all.
    /// </summary>
    public void ForwardImages(IReadOnlyList<float[]> latents, float timestep, int n)
    {
        if (latents.Count != Images) throw new ArgumentException($"{latents.Count} latents for a batch of {Images} images");
        Forward(default, latents, timestep, n);
    }

    private void Forward(ReadOnlySpan<float> latents, IReadOnlyList<float[]>? perImage, float timestep, int n)
    {
        var batch = Current;
        if (n < 0 || n > _shape.Tokens) throw new ArgumentOutOfRangeException(nameof(n), n, $"token count must be in [0, {_shape.Tokens}]");
        if (n == 0) return; // nothing to recompute: every output row keeps its cached value
        ref var sessionTicks = ref Timings.SessionTicks;
        int b = batch.Batch, prefix = _shape.PrefixRows, rows = _shape.Rows;
        var runs = Embed(batch, latents, perImage, timestep, n);
        long rowsStart;
        var attentionShape = AttentionShape.Create(b, prefix + n, rows, rows, _shape.Heads, _shape.HeadDim);
        // The image-only attention: n image queries against all N image rows of its own cache.
        var imageAttentionShape = AttentionShape.Create(b, n, _shape.Tokens, _shape.Tokens, _shape.Heads, _shape.HeadDim);
        for (var layer = 0; layer < _shape.Depth; layer++)
        {
            runs.Pre[layer].Run(ref sessionTicks);
            rowsStart = Stopwatch.GetTimestamp();
            ScatterRows(batch.NewKeys, batch.Keys[layer], b, prefix + n, rows);
            ScatterRows(batch.NewValues, batch.Values[layer], b, prefix + n, rows);
            var second = _imageAttention[layer];
            if (second)
            {
                ScatterRows(batch.NewKeys2!, batch.Keys2[layer]!, b, n, _shape.Tokens);
                ScatterRows(batch.NewValues2!, batch.Values2[layer]!, b, n, _shape.Tokens);
            }
            Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
            var attentionStart = Stopwatch.GetTimestamp();
            if (_kernelAttention)
                _device.Attention(batch.Queries, batch.Keys[layer], batch.Values[layer], batch.AttentionOut, attentionShape);
            else
                runs.Attention![layer].Run(ref sessionTicks); // an ONNX Runtime session too
            if (second && _kernelAttention)
                _device.Attention(batch.Queries2!, batch.Keys2[layer]!, batch.Values2[layer]!, batch.Attention2Out!, imageAttentionShape);
            else if (second)
                runs.Attention2![layer]!.Run(ref sessionTicks);
            Timings.AttentionTicks += Stopwatch.GetTimestamp() - attentionStart;
            runs.Post[layer].Run(ref sessionTicks);
        }
        if (_keepResidual && n == _shape.Tokens)
        {
            rowsStart = Stopwatch.GetTimestamp();
            _residual!.Record(_embedded, batch.HiddenOut(_shape.Depth - 1), (long)b * rows * _shape.HiddenSize);
            Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
        }
        Finish(batch, runs, n);
    }

    /// <summary>
    /// Whether full forwards keep the blocks' residual (last block's output − embedding) for
    /// <see cref="ForwardReusingBlocks"/>; setting it forgets any residual held. Off by default: dense and
    /// Jano pay nothing for it.
    /// </summary>
    public bool KeepBlockResidual
    {
        get => _keepResidual;
        set
        {
            _keepResidual = value;
            if (value) _residual ??= new BlockResidual(_device, (long)MaxBranches * MaxImages * _shape.Rows * _shape.HiddenSize);
            _residual?.Reset();
        }
    }

    /// <summary>
    /// A step that skips the blocks (FORA, TeaCache): cond and embed of every token from the new latents,
    /// the residual the blocks added at the last full step added to it, then the final layer into every
    /// output row. Needs <see cref="KeepBlockResidual"/> and a full forward since the captions or the order
    /// last changed.
    /// </summary>
    public void ForwardReusingBlocks(ReadOnlySpan<float> latents, float timestep)
    {
        var batch = Current;
        if (Images != 1) throw new InvalidOperationException("reusing the blocks' residual runs one image at a time");
        if (!_keepResidual) throw new InvalidOperationException("the engine keeps no block residual; set KeepBlockResidual before the first step");
        int n = _shape.Tokens;
        var count = (long)batch.Batch * _shape.Rows * _shape.HiddenSize;
        if (!_residual!.Holds(count)) throw new InvalidOperationException("no block residual to reuse: a full step must run first (and the order must not have changed since)");
        var runs = Embed(batch, latents, null, timestep, n);
        var rowsStart = Stopwatch.GetTimestamp();
        _residual.Apply(_embedded, batch.HiddenOut(_shape.Depth - 1), count);
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
        Finish(batch, runs, n);
    }

    /// <summary>
    /// The timestep, the cond runs and the embedding of the prefix rows and image tokens [0, n): from one
    /// image's latents for every branch, or from each of <paramref name="perImage"/> for its own branches.
    /// </summary>
    private StepRuns Embed(BatchBuffers batch, ReadOnlySpan<float> latents, IReadOnlyList<float[]>? perImage, float timestep, int n)
    {
        ref var sessionTicks = ref Timings.SessionTicks;
        int b = batch.Batch;
        _outputHostCurrent = false;
        _timestepHost[0] = timestep;
        _device.Upload(_timestepHost, _timestep, 0);
        _condRun?.Run(ref sessionTicks);
        var runs = RunsFor(batch, n);
        runs.Cond?.Run(ref sessionTicks); // per-batch conditioning (pooled text), after the shared one
        var patchWidth = _shape.PatchInputWidth;
        var rowsStart = Stopwatch.GetTimestamp();
        var images = perImage?.Count ?? 1;
        var branches = b / images;
        var item = (long)n * patchWidth;
        for (var j = 0; j < images; j++)
        {
            _layout.Gather(perImage is null ? latents : perImage[j], _channels, _order, n, _patchesHost);
            var first = j * branches * item;
            _device.Upload(_patchesHost.AsSpan(0, (int)item), _patches, first);
            for (var i = 1; i < branches; i++) // an image's branches start from its latents
                _device.Copy(_patches, first, _patches, first + i * item, item);
        }
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
        runs.Embed.Run(ref sessionTicks);
        return runs;
    }

    /// <summary>The final layer, and its n new rows into the persistent output.</summary>
    private void Finish(BatchBuffers batch, StepRuns runs, int n)
    {
        runs.Final.Run(ref Timings.SessionTicks);
        var rowsStart = Stopwatch.GetTimestamp();
        ScatterRows(batch.NewOutput, batch.Output, batch.Batch, n, _shape.Tokens);
        Timings.RowsTicks += Stopwatch.GetTimestamp() - rowsStart;
    }

    /// <summary>Packed rows [B, m, W] → rows [0, m) of each item of a persistent [B, R, W] buffer.</summary>
    private void ScatterRows(StepBuffer packed, StepBuffer persistent, int batch, int m, int rows)
    {
        var w = persistent.Width;
        for (var i = 0; i < batch; i++)
            _device.Copy(packed, (long)i * m * w, persistent, (long)i * rows * w, (long)m * w);
    }

    /// <summary>Writes the image-layout prediction [C, H, W] (the first C of C_out channels) from output rows.</summary>
    public void Unpatchify(ReadOnlySpan<float> rows, Span<float> image) =>
        _layout.Scatter(rows, _outChannels, _channels, _order, image);

    private StepRuns RunsFor(BatchBuffers batch, int n)
    {
        if (batch.Runs.TryGetValue(n, out var runs)) return runs;
        runs = _program.Bind(_bindings, batch, n);
        if (!_kernelAttention)
        {
            int b = batch.Batch, prefix = _shape.PrefixRows, rows = _shape.Rows;
            runs.Attention = new BoundRun[_shape.Depth];
            for (var i = 0; i < _shape.Depth; i++)
                runs.Attention[i] = new BoundRun(_device, _program.AttentionSession, _runOptions,
                    [(Core.Stages.StageRoles.Names.Query, batch.Queries.View(b, prefix + n)),
                     (Core.Stages.StageRoles.Names.Key, batch.Keys[i].View(b, rows)),
                     (Core.Stages.StageRoles.Names.Value, batch.Values[i].View(b, rows))],
                    [(Core.Stages.StageRoles.Names.Output, batch.AttentionOut.View(b, prefix + n))]);
            // The image-only attention goes through the same shape-generic graph: n queries against N keys.
            if (_shape.AnyImageAttention)
            {
                runs.Attention2 = new BoundRun?[_shape.Depth];
                for (var i = 0; i < _shape.Depth; i++)
                    if (_imageAttention[i])
                        runs.Attention2[i] = new BoundRun(_device, _program.AttentionSession, _runOptions,
                            [(Core.Stages.StageRoles.Names.Query, batch.Queries2!.View(b, n)),
                             (Core.Stages.StageRoles.Names.Key, batch.Keys2[i]!.View(b, _shape.Tokens)),
                             (Core.Stages.StageRoles.Names.Value, batch.Values2[i]!.View(b, _shape.Tokens))],
                            [(Core.Stages.StageRoles.Names.Output, batch.Attention2Out!.View(b, n))]);
            }
        }
        batch.Runs[n] = runs;
        return runs;
    }

    public void Dispose()
    {
        _condRun?.Dispose();
        foreach (var b in _batches) b?.Dispose();
        foreach (var t in _tables) t.Dispose();
        foreach (var p in new[] { _timestep, _guidance, _patches, _embedded, _reorderScratch }) p.Dispose();
        _program.Detach();
        _runOptions.Dispose();
        _captionRunOptions.Dispose();
    }
}
