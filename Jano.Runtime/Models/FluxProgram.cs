using Jano.Core.Geometry;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Runtime.Models;

/// <summary>
/// The FLUX block program: L text rows (the context embedder's output, once per prompt) are the prefix
/// rows every step computes; the double-stream blocks (kind joint) and then the single-stream blocks
/// (kind single) all run one attention over [text; image] rows. Every pre graph rotates q and k by the
/// image rows' RoPE rows, a per-token table the engine keeps in scheduling order, so a step over a
/// prefix of the image rows rotates exactly its tokens and the K cache holds rotated keys; the table is
/// computed from the manifest's rope for any latent size. The conditioning takes the pooled text (per
/// batch, as SD3's) and, for a guidance-distilled model, the engine's embedded guidance scale.
/// </summary>
public sealed class FluxProgram : IBlockProgram
{
    private readonly StageSessions _sessions;
    private readonly InferenceSession _embed, _cond, _context, _final;
    private readonly InferenceSession[] _pre, _post;
    private readonly ModelDims _dims;
    private readonly RotaryEmbedding _rope;
    private readonly bool _guidanceInput;
    private readonly int _pooledWidth;
    private StepBuffer? _timestep;

    public FluxProgram(ModelPackage package, OrtSessionFactory factory)
    {
        var m = package.Manifest;
        var s = m.Stages;
        var manifest = package.PathOf(ModelManifest.FileName);
        _dims = m.Dims;
        Geometry = m.Geometry;
        if (Geometry.PrefixRows <= 0)
            throw new ModelPackageException($"{manifest}: field 'components.transformer.geometry.prefixRows' must be the caption length (> 0) for a FLUX package");
        _rope = m.Transformer.Rope ?? throw new ModelPackageException($"{manifest}: field 'components.transformer.rope' is missing");
        _guidanceInput = m.Transformer.Guidance == Core.Packages.TransformerComponent.EmbeddedGuidance;
        var doubles = s.Blocks.TakeWhile(b => b.Kind == BlockKind.Joint).Count();
        for (var i = 0; i < _dims.Depth; i++)
            if (s.Blocks[i].Kind != FluxStages.KindOf(i, doubles))
                throw new ModelPackageException($"{manifest}: block {i} is of kind '{s.Blocks[i].Kind}'; the FLUX program runs '{BlockKind.Joint}' (double-stream) blocks followed by '{BlockKind.Single}' ones");
        _sessions = new StageSessions(package, factory);
        try
        {
            _embed = _sessions.Load("embed", s.Embed, FluxStages.Embed);
            _cond = _sessions.Load("cond", s.Cond, FluxStages.CondFor(_guidanceInput));
            _context = _sessions.Load("context", s.Context, FluxStages.Context);
            _pre = new InferenceSession[_dims.Depth];
            _post = new InferenceSession[_dims.Depth];
            for (var i = 0; i < _dims.Depth; i++)
            {
                _pre[i] = _sessions.Load($"block {i} pre", s.Blocks[i].Pre, FluxStages.Pre);
                _post[i] = _sessions.Load($"block {i} post", s.Blocks[i].Post, FluxStages.Post);
            }
            _final = _sessions.Load("final", s.Final, FluxStages.Final);
            AttentionSession = _sessions.Load("attention", s.Attention, StageRoles.AttentionGraph);
            _pooledWidth = checked((int)_cond.InputMetadata[N.Pooled].Dimensions[1]);
            if (_dims.PooledWidth != 0 && _dims.PooledWidth != _pooledWidth)
                throw new ModelPackageException($"{manifest}: field 'components.transformer.dims.pooledWidth' is {_dims.PooledWidth}, but {s.Cond.File} takes a {_pooledWidth}-wide pooled vector");
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
    }

    public LatentGeometry Geometry { get; }
    public InferenceSession AttentionSession { get; }
    private int L => Geometry.PrefixRows;

    public EngineShape ShapeFor(LatentGeometry g) =>
        new(L, g.Tokens, _dims.HiddenSize, _dims.Heads, _dims.HeadDim, _dims.Depth, g.PatchInputWidth, g.PatchOutputWidth);

    /// <summary>The image rows' RoPE table for this grid: ids (0, row, col), the text rows' identity left out.</summary>
    public IReadOnlyList<TokenTableData> TablesFor(LatentGeometry g) =>
        [new TokenTableData(FluxStages.RopeTable, _rope.ImageTable(g.GridHeight, g.GridWidth), _rope.Width, IncludesPrefix: false)];

    /// <summary>No shared conditioning run: temb needs each batch's pooled text, so it is bound per batch in <see cref="Bind"/>.</summary>
    public BoundRun? Attach(IStepDevice device, RunOptions runOptions, StepBuffer timestep, LatentGeometry geometry)
    {
        _timestep = timestep;
        return null;
    }

    public void Detach() => _timestep = null;

    /// <summary>Per branch: the L prefix rows from the context graph and the pooled vector; temb's buffer for the batch.</summary>
    public CaptionBuffers EncodeCaptions(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions) =>
        JointCaptions.Encode(device, runOptions, captions, _context, L, _dims.HiddenSize, _dims.CaptionChannels, _pooledWidth, "FLUX", "pad the prompt's states to that length, as FluxPipeline pads T5 to max_sequence_length");

    public StepRuns Bind(EngineBindings e, BatchBuffers s, int n)
    {
        var captions = (JointCaptions)(s.Captions ?? throw new InvalidOperationException("no captions set"));
        var timestep = _timestep ?? throw new InvalidOperationException("the program is not attached to an engine");
        int depth = _dims.Depth, d = _dims.HiddenSize, b = s.Batch, rows = L + n;
        var device = e.Device;
        var temb = captions.Temb.ViewAs(b, d);
        var condInputs = new List<(string, OrtValue)> { (N.Timestep, timestep.ViewAs(1)), (N.Pooled, captions.Pooled.ViewAs(b, _pooledWidth)) };
        if (_guidanceInput) condInputs.Add((N.Guidance, e.Guidance.ViewAs(1)));
        var cond = new BoundRun(device, _cond, e.RunOptions, condInputs, [(N.Temb, temb)]);
        var embed = new BoundRun(device, _embed, e.RunOptions,
            [(N.Patches, e.Patches.View(b, n)), (N.Prefix, captions.Prefix.View(b, L))],
            [(N.Hidden, e.Embedded.View(b, rows))]);
        var rope = e.Table(FluxStages.RopeTable).Ordered.View(0, n);
        var pre = new BoundRun[depth];
        var post = new BoundRun[depth];
        for (var i = 0; i < depth; i++)
        {
            var input = s.HiddenIn(i, e.Embedded);
            pre[i] = new BoundRun(device, _pre[i], e.RunOptions, [(N.Hidden, input.View(b, rows)), (N.Temb, temb), (N.Rope, rope)],
                [(N.Q, s.Queries.View(b, rows)), (N.K, s.NewKeys.View(b, rows)), (N.V, s.NewValues.View(b, rows))]);
            post[i] = new BoundRun(device, _post[i], e.RunOptions,
                [(N.Hidden, input.View(b, rows)), (N.AttentionOut, s.AttentionOut.View(b, rows)), (N.Temb, temb)],
                [(N.HiddenOut, s.HiddenOut(i).View(b, rows))]);
        }
        var final = new BoundRun(device, _final, e.RunOptions,
            [(N.Hidden, s.HiddenOut(depth - 1).View(b, rows)), (N.Temb, temb)],
            [(N.PatchOut, s.NewOutput.View(b, n))]);
        return new StepRuns(embed, pre, post, final) { Cond = cond };
    }

    public void Dispose()
    {
        Detach();
        _sessions.Dispose();
    }
}
