using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using N = Jano.Core.Stages.StageRoles.Names;

namespace Jano.Runtime.Models;

/// <summary>
/// The SD3 block program: L text rows (the context embedder's output, once per prompt) are the prefix
/// rows every step computes; joint blocks run one attention over [text; image] rows; the conditioning
/// depends on the pooled text as well as the timestep, so it runs per batch (<see cref="StepRuns.Cond"/>)
/// rather than once from Attach. L is the package's (geometry.prefixRows): every caption must have
/// exactly L tokens, as diffusers' SD3 pipeline pads its prompts to a fixed length. Joint-dual blocks
/// (SD3.5's MMDiT-X) are flagged in the engine's shape, so the engine runs their image-only attention.
/// </summary>
public sealed class Sd3Program : IBlockProgram
{
    private readonly ModelPackage _package;
    private readonly StageSessions _sessions;
    private readonly InferenceSession _embed, _cond, _context, _final;
    private readonly InferenceSession[] _pre, _post;
    private readonly ModelDims _dims;
    private readonly float[] _positions;
    private readonly int _pooledWidth;
    /// <summary>Per block: a joint-dual block (SD3.5's MMDiT-X), whose pre also gives q2/k2/v2 and post takes attn2's output.</summary>
    private readonly bool[] _imageAttention;
    private StepBuffer? _timestep;

    public Sd3Program(ModelPackage package, OrtSessionFactory factory)
    {
        _package = package;
        var m = package.Manifest;
        var s = m.Stages;
        _dims = m.Dims;
        Geometry = m.Geometry;
        if (Geometry.PrefixRows <= 0)
            throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: field 'components.transformer.geometry.prefixRows' must be the caption length (> 0) for an SD3 package");
        _sessions = new StageSessions(package, factory);
        try
        {
            _embed = _sessions.Load("embed", s.Embed, Sd3Stages.Embed);
            _cond = _sessions.Load("cond", s.Cond, Sd3Stages.Cond);
            _context = _sessions.Load("context", s.Context, Sd3Stages.Context);
            _pre = new InferenceSession[_dims.Depth];
            _post = new InferenceSession[_dims.Depth];
            _imageAttention = new bool[_dims.Depth];
            for (var i = 0; i < _dims.Depth; i++)
            {
                var kind = s.Blocks[i].Kind;
                _imageAttention[i] = BlockKind.HasImageAttention(kind);
                if (kind != Sd3Stages.KindOf(i, _dims.Depth, _imageAttention[i]))
                    throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: block {i} is of kind '{kind}'; the SD3 program runs '{BlockKind.Joint}' or '{BlockKind.JointDual}' blocks and a '{BlockKind.JointLast}' or '{BlockKind.JointDualLast}' last block");
                _pre[i] = _sessions.Load($"block {i} pre", s.Blocks[i].Pre, Sd3Stages.PreFor(kind));
                _post[i] = _sessions.Load($"block {i} post", s.Blocks[i].Post, Sd3Stages.PostFor(kind));
            }
            _final = _sessions.Load("final", s.Final, Sd3Stages.Final);
            AttentionSession = _sessions.Load("attention", s.Attention, StageRoles.AttentionGraph);
            // The pooled width is the cond graph's own (the manifest's dims do not carry it).
            _pooledWidth = checked((int)_cond.InputMetadata[N.Pooled].Dimensions[1]);
            _positions = LoadPositions(package);
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
        new(L, g.Tokens, _dims.HiddenSize, _dims.Heads, _dims.HeadDim, _dims.Depth, g.PatchInputWidth, g.PatchOutputWidth,
            _imageAttention.Contains(true) ? _imageAttention : null);

    /// <summary>
    /// The position rows: the package's file (the checkpoint's own crop) at its size; for another, the
    /// centre crop of diffusers' sin-cos table computed from the manifest's generator. A package without
    /// one (its checkpoint's table was trained) runs at its exported size only.
    /// </summary>
    public IReadOnlyList<TokenTableData> TablesFor(LatentGeometry g)
    {
        var positions = _positions;
        if (g.Height != Geometry.Height || g.Width != Geometry.Width)
        {
            var generator = _package.Manifest.Transformer.Positions
                ?? throw new ModelPackageException($"{_package.PathOf(ModelManifest.FileName)}: this SD3 package runs at {Geometry.Describe()} latent pixels only, not {g.Describe()} (its checkpoint's position table is not diffusers' sin-cos one, so there is no 'components.transformer.positions'); re-export it with --size");
            if (generator.GridProblem(g.GridHeight, g.GridWidth) is { } problem)
                throw new ArgumentException($"latent size {g.Describe()}: {problem}");
            positions = SinCosPositions2D.CentreCrop(_dims.HiddenSize, generator.MaxSize!.Value, generator.BaseSize, (float)generator.InterpolationScale, g.GridHeight, g.GridWidth);
        }
        return [new TokenTableData(Sd3Stages.PositionsTable, positions, _dims.HiddenSize, IncludesPrefix: false)];
    }

    /// <summary>No shared conditioning run: temb needs each batch's pooled text, so it is bound per batch in <see cref="Bind"/>.</summary>
    public BoundRun? Attach(IStepDevice device, RunOptions runOptions, StepBuffer timestep, LatentGeometry geometry)
    {
        _timestep = timestep;
        return null;
    }

    public void Detach() => _timestep = null;

    /// <summary>Per branch: the L prefix rows from the context graph and the pooled vector; temb's buffer for the batch.</summary>
    public CaptionBuffers EncodeCaptions(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions) =>
        JointCaptions.Encode(device, runOptions, captions, _context, L, _dims.HiddenSize, _dims.CaptionChannels, _pooledWidth, "SD3", "pad the prompt's states to that length");

    public StepRuns Bind(EngineBindings e, BatchBuffers s, int n)
    {
        var captions = (JointCaptions)(s.Captions ?? throw new InvalidOperationException("no captions set"));
        var timestep = _timestep ?? throw new InvalidOperationException("the program is not attached to an engine");
        int depth = _dims.Depth, d = _dims.HiddenSize, b = s.Batch, rows = L + n;
        var device = e.Device;
        var temb = captions.Temb.ViewAs(b, d);
        var cond = new BoundRun(device, _cond, e.RunOptions,
            [(N.Timestep, timestep.ViewAs(1)), (N.Pooled, captions.Pooled.ViewAs(b, _pooledWidth))], [(N.Temb, temb)]);
        var embed = new BoundRun(device, _embed, e.RunOptions,
            [(N.Patches, e.Patches.View(b, n)), (N.Positions, e.Table(Sd3Stages.PositionsTable).Ordered.View(0, n)), (N.Prefix, captions.Prefix.View(b, L))],
            [(N.Hidden, e.Embedded.View(b, rows))]);
        var pre = new BoundRun[depth];
        var post = new BoundRun[depth];
        for (var i = 0; i < depth; i++)
        {
            var input = s.HiddenIn(i, e.Embedded);
            var preOutputs = new List<(string, OrtValue)> { (N.Q, s.Queries.View(b, rows)), (N.K, s.NewKeys.View(b, rows)), (N.V, s.NewValues.View(b, rows)) };
            var postInputs = new List<(string, OrtValue)> { (N.Hidden, input.View(b, rows)), (N.AttentionOut, s.AttentionOut.View(b, rows)), (N.Temb, temb) };
            if (_imageAttention[i])
            {
                // attn2's rows are the n image rows alone; the engine scatters k2/v2 into its second cache.
                preOutputs.AddRange([(N.Q2, s.Queries2!.View(b, n)), (N.K2, s.NewKeys2!.View(b, n)), (N.V2, s.NewValues2!.View(b, n))]);
                postInputs.Add((N.Attention2Out, s.Attention2Out!.View(b, n)));
            }
            pre[i] = new BoundRun(device, _pre[i], e.RunOptions, [(N.Hidden, input.View(b, rows)), (N.Temb, temb)], preOutputs);
            post[i] = new BoundRun(device, _post[i], e.RunOptions, postInputs, [(N.HiddenOut, s.HiddenOut(i).View(b, rows))]);
        }
        var final = new BoundRun(device, _final, e.RunOptions,
            [(N.Hidden, s.HiddenOut(depth - 1).View(b, rows)), (N.Temb, temb)],
            [(N.PatchOut, s.NewOutput.View(b, n))]);
        return new StepRuns(embed, pre, post, final) { Cond = cond };
    }

    private static float[] LoadPositions(ModelPackage package) => PackageTables.LoadImageRows(package, Sd3Stages.PositionsTable, "the SD3 embedding");

    public void Dispose()
    {
        Detach();
        _sessions.Dispose();
    }
}
