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
/// The PixArt block program: adaLN-single conditioning (one t_mod for every block, t_emb for the
/// final layer), cross blocks whose post graph attends to per-layer caption K/V computed once per
/// prompt by the context graph, no prefix rows, and the 2-D position table added by the embedding.
/// </summary>
public sealed class PixArtProgram : IBlockProgram
{
    private const float MaskedKeyBias = -1e9f;

    private readonly StageSessions _sessions;
    private readonly InferenceSession _embed, _cond, _context, _final;
    private readonly InferenceSession[] _pre, _post;
    private readonly ModelDims _dims;
    private readonly MicroConditions? _micro;
    private readonly ModelPackage _package;
    private readonly float[] _packagePositions;
    private StepBuffer? _tMod, _tEmb, _resolution, _aspectRatio;

    public PixArtProgram(ModelPackage package, OrtSessionFactory factory)
    {
        var m = package.Manifest;
        var s = m.Stages;
        _dims = m.Dims;
        _sessions = new StageSessions(package, factory);
        try
        {
            _embed = _sessions.Load("embed", s.Embed, PixArtStages.Embed);
            _micro = m.Transformer.MicroConditions;
            _cond = _sessions.Load("cond", s.Cond, PixArtStages.CondFor(_micro is not null));
            _context = _sessions.Load("context", s.Context, PixArtStages.Context(_dims.Depth));
            _pre = new InferenceSession[_dims.Depth];
            _post = new InferenceSession[_dims.Depth];
            for (var i = 0; i < _dims.Depth; i++)
            {
                if (s.Blocks[i].Kind != BlockKind.Cross)
                    throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: block {i} is of kind '{s.Blocks[i].Kind}'; the PixArt program runs '{BlockKind.Cross}' blocks");
                _pre[i] = _sessions.Load($"block {i} pre", s.Blocks[i].Pre, PixArtStages.Pre);
                _post[i] = _sessions.Load($"block {i} post", s.Blocks[i].Post, PixArtStages.Post);
            }
            _final = _sessions.Load("final", s.Final, PixArtStages.Final);
            AttentionSession = _sessions.Load("attention", s.Attention, StageRoles.AttentionGraph);
            _packagePositions = LoadPositions(package);
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
        _package = package;
        Geometry = m.Geometry;
    }

    public LatentGeometry Geometry { get; }
    public InferenceSession AttentionSession { get; }

    public EngineShape ShapeFor(LatentGeometry g) =>
        new(0, g.Tokens, _dims.HiddenSize, _dims.Heads, _dims.HeadDim, _dims.Depth, g.PatchInputWidth, g.PatchOutputWidth);

    /// <summary>The position table: the package's file at its own size, diffusers' sine-cosine table computed for another.</summary>
    public IReadOnlyList<TokenTableData> TablesFor(LatentGeometry g)
    {
        float[] positions;
        if (g.Height == Geometry.Height && g.Width == Geometry.Width) positions = _packagePositions;
        else
        {
            var generator = _package.Manifest.Transformer.Positions
                ?? throw new ModelPackageException($"{_package.PathOf(ModelManifest.FileName)}: this package runs at {Geometry.Describe()} latent pixels only (no 'components.transformer.positions' to make a table for {g.Describe()}); re-export it with --size");
            positions = SinCosPositions2D.Table(_dims.HiddenSize, g.GridHeight, g.GridWidth, generator.BaseSize, (float)generator.InterpolationScale);
        }
        return [new TokenTableData(PixArtStages.PositionsTable, positions, _dims.HiddenSize, IncludesPrefix: false)];
    }

    public BoundRun Attach(IStepDevice device, RunOptions runOptions, StepBuffer timestep, LatentGeometry geometry)
    {
        Detach();
        int d = _dims.HiddenSize;
        _tMod = device.Allocate(1, 6 * d);
        _tEmb = device.Allocate(1, d);
        var inputs = new List<(string, OrtValue)> { (N.Timestep, timestep.ViewAs(1)) };
        if (_micro is { } micro)
        {
            // As diffusers' PixArt pipeline: resolution (height, width) and aspect ratio height / width of the image.
            int height = geometry.Height * micro.PixelsPerLatent, width = geometry.Width * micro.PixelsPerLatent;
            _resolution = device.Allocate(1, 2);
            _aspectRatio = device.Allocate(1, 1);
            device.Upload([height, width], _resolution, 0);
            device.Upload([(float)((double)height / width)], _aspectRatio, 0);
            inputs.Add((N.Resolution, _resolution.ViewAs(1, 2)));
            inputs.Add((N.AspectRatio, _aspectRatio.ViewAs(1, 1)));
        }
        return new BoundRun(device, _cond, runOptions, inputs,
            [(N.TMod, _tMod.ViewAs(1, 6 * d)), (N.TEmb, _tEmb.ViewAs(1, d))]);
    }

    /// <summary>Per-layer cross K/V of the branches' captions, padded to one length with a key bias masking the padding.</summary>
    public CaptionBuffers EncodeCaptions(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions)
    {
        int batch = captions.Count, d = _dims.HiddenSize, depth = _dims.Depth, width = _dims.CaptionChannels;
        var length = captions.Max(c => c.Tokens);
        foreach (var c in captions)
            if (c.States.Length != c.Tokens * width)
                throw new ArgumentException($"text states have {c.States.Length} values, expected {c.Tokens}×{width}");
        var keys = Enumerable.Range(0, depth).Select(_ => device.Allocate(batch * length, d)).ToArray();
        var values = Enumerable.Range(0, depth).Select(_ => device.Allocate(batch * length, d)).ToArray();
        var bias = device.Allocate(batch, length);
        var biasHost = new float[batch * length];
        var names = _context.OutputNames;
        for (var b = 0; b < batch; b++)
        {
            for (var j = captions[b].Tokens; j < length; j++) biasHost[b * length + j] = MaskedKeyBias;
            using var input = OrtValue.CreateTensorValueFromMemory(captions[b].States, [1, captions[b].Tokens, width]);
            using var results = _context.Run(runOptions, [N.TextStates], [input], names);
            for (var i = 0; i < depth; i++)
            {
                device.Upload(results[IndexOf(names, N.CrossKeyOf(i))].GetTensorDataAsSpan<float>(), keys[i], (long)b * length * d);
                device.Upload(results[IndexOf(names, N.CrossValueOf(i))].GetTensorDataAsSpan<float>(), values[i], (long)b * length * d);
            }
        }
        device.Upload(biasHost, bias, 0);
        return new CrossCaptions(keys, values, bias, length);
    }

    public StepRuns Bind(EngineBindings e, BatchBuffers s, int n)
    {
        var captions = (CrossCaptions)(s.Captions ?? throw new InvalidOperationException("no captions set"));
        int depth = _dims.Depth, d = _dims.HiddenSize, b = s.Batch;
        var tMod = _tMod!.ViewAs(1, 6 * d);
        var device = e.Device;
        var embed = new BoundRun(device, _embed, e.RunOptions,
            [(N.Patches, e.Patches.View(b, n)), (N.Positions, e.Table(PixArtStages.PositionsTable).Ordered.View(0, n))],
            [(N.Hidden, e.Embedded.View(b, n))]);
        var pre = new BoundRun[depth];
        var post = new BoundRun[depth];
        for (var i = 0; i < depth; i++)
        {
            var input = s.HiddenIn(i, e.Embedded);
            var output = s.HiddenOut(i);
            pre[i] = new BoundRun(device, _pre[i], e.RunOptions,
                [(N.Hidden, input.View(b, n)), (N.TMod, tMod)],
                [(N.Q, s.Queries.View(b, n)), (N.K, s.NewKeys.View(b, n)), (N.V, s.NewValues.View(b, n))]);
            post[i] = new BoundRun(device, _post[i], e.RunOptions,
                [(N.Hidden, input.View(b, n)), (N.AttentionOut, s.AttentionOut.View(b, n)), (N.TMod, tMod),
                 (N.CrossK, captions.Keys[i].View(b, captions.Tokens)), (N.CrossV, captions.Values[i].View(b, captions.Tokens)),
                 (N.CrossBias, captions.Bias.View(0, b))],
                [(N.HiddenOut, output.View(b, n))]);
        }
        var final = new BoundRun(device, _final, e.RunOptions,
            [(N.Hidden, s.HiddenOut(depth - 1).View(b, n)), (N.TEmb, _tEmb!.ViewAs(1, d))],
            [(N.PatchOut, s.NewOutput.View(b, n))]);
        return new StepRuns(embed, pre, post, final);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidOperationException($"context graph has no output {name}");
    }

    private static float[] LoadPositions(ModelPackage package) => PackageTables.LoadImageRows(package, PixArtStages.PositionsTable, "the PixArt embedding");

    public void Detach()
    {
        foreach (var b in new[] { _tMod, _tEmb, _resolution, _aspectRatio }) b?.Dispose();
        (_tMod, _tEmb, _resolution, _aspectRatio) = (null, null, null, null);
    }

    public void Dispose()
    {
        Detach();
        _sessions.Dispose();
    }

    /// <summary>Per-layer [B, T, D] caption keys and values and the [B, T] padding bias.</summary>
    private sealed class CrossCaptions(StepBuffer[] keys, StepBuffer[] values, StepBuffer bias, int tokens) : CaptionBuffers
    {
        public StepBuffer[] Keys { get; } = keys;
        public StepBuffer[] Values { get; } = values;
        public StepBuffer Bias { get; } = bias;
        public override int Tokens { get; } = tokens;
        protected override IEnumerable<StepBuffer> Buffers => Keys.Concat(Values).Append(Bias);
    }
}
