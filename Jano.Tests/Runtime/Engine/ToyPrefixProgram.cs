using Jano.Core.Geometry;
using Jano.Export.Onnx;
using Jano.Runtime.Devices;
using Jano.Runtime.Engine;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using F = Jano.Export.Onnx.OnnxElementType;

namespace Jano.Tests.Runtime.Engine;

/// <summary>
/// A block program with L prefix rows, built here from random weights, to test the engine's prefix
/// machinery without a real family: the caption gives L rows that start the prefix; embed writes
/// [prefix; patches·We + positions]; every block runs one weight set over all L + n rows
/// (q, k, v = (h + t_mod)·W, as a single-stream block) and adds attention·Wo; final maps the image rows
/// to patch outputs. <see cref="Reference"/> is the same model in plain double-precision loops, the
/// whole-graph oracle.
/// </summary>
public sealed class ToyPrefixProgram : IBlockProgram
{
    public const int Prefix = 3, Side = 4, Channels = 2, D = 8, Heads = 2, Depth = 2;
    public const int Tokens = Side * Side;

    private readonly TempFolder _folder = new();
    private readonly InferenceSession _embed, _cond, _final;
    private readonly InferenceSession[] _pre, _post;
    private StepBuffer? _tMod;

    public ToyPrefixProgram(int seed)
    {
        var r = new Random(seed);
        float[] W(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * scale)).ToArray();
        Wt = W(D, 0.01); We = W(Channels * D, 0.5); Positions = W(Tokens * D, 0.5); Wf = W(D * Channels, 0.5);
        Wq = Enumerable.Range(0, Depth).Select(_ => W(D * D, 0.4)).ToArray();
        Wk = Enumerable.Range(0, Depth).Select(_ => W(D * D, 0.4)).ToArray();
        Wv = Enumerable.Range(0, Depth).Select(_ => W(D * D, 0.4)).ToArray();
        Wo = Enumerable.Range(0, Depth).Select(_ => W(D * D, 0.4)).ToArray();

        InferenceSession Save(string name, OnnxGraphBuilder g)
        {
            var path = Path.Combine(_folder.Path, name + ".onnx");
            OnnxModelWriter.Save(g.Build(), path);
            return new InferenceSession(path);
        }

        var cond = new OnnxGraphBuilder("cond");
        var t = cond.Reshape(cond.Input("timestep", F.Float, 1), [1, 1]);
        cond.Output(cond.Mul(t, cond.Initializer("wt", Wt, 1, D)), "t_mod", F.Float, 1, D);
        _cond = Save("cond", cond);

        var embed = new OnnxGraphBuilder("embed");
        var patches = embed.Input("patches", F.Float, "batch", "tokens", Channels);
        var positions = embed.Input("positions", F.Float, "tokens", D);
        var prefix = embed.Input("prefix", F.Float, "batch", Prefix, D);
        var image = embed.Add(embed.MatMul(patches, embed.Initializer("we", We, Channels, D)), positions);
        embed.Output(embed.Concat([prefix, image], 1), "hidden", F.Float, "batch", "rows", D);
        _embed = Save("embed", embed);

        _pre = new InferenceSession[Depth];
        _post = new InferenceSession[Depth];
        for (var i = 0; i < Depth; i++)
        {
            var pre = new OnnxGraphBuilder($"pre{i}");
            var h = pre.Add(pre.Input("hidden", F.Float, "batch", "rows", D), pre.Input("t_mod", F.Float, 1, D));
            pre.Output(pre.MatMul(h, pre.Initializer("wq", Wq[i], D, D)), "q", F.Float, "batch", "rows", D);
            pre.Output(pre.MatMul(h, pre.Initializer("wk", Wk[i], D, D)), "k", F.Float, "batch", "rows", D);
            pre.Output(pre.MatMul(h, pre.Initializer("wv", Wv[i], D, D)), "v", F.Float, "batch", "rows", D);
            _pre[i] = Save($"pre{i}", pre);

            var post = new OnnxGraphBuilder($"post{i}");
            var hidden = post.Input("hidden", F.Float, "batch", "rows", D);
            var o = post.Input("attention", F.Float, "batch", "rows", D);
            post.Output(post.Add(hidden, post.MatMul(o, post.Initializer("wo", Wo[i], D, D))), "hidden_out", F.Float, "batch", "rows", D);
            _post[i] = Save($"post{i}", post);
        }

        var final = new OnnxGraphBuilder("final");
        var rows = final.Slice(final.Input("hidden", F.Float, "batch", "rows", D), 1, Prefix, long.MaxValue);
        final.Output(final.MatMul(rows, final.Initializer("wf", Wf, D, Channels)), "patch_out", F.Float, "batch", "tokens", Channels);
        _final = Save("final", final);

        var attention = new OnnxGraphBuilder("attention");
        var mha = attention.MultiHeadAttention(attention.Input("query", F.Float, "batch", "q_rows", D),
            attention.Input("key", F.Float, "batch", "kv_rows", D), attention.Input("value", F.Float, "batch", "kv_rows", D), Heads);
        attention.Output(mha, "output", F.Float, "batch", "q_rows", D);
        AttentionSession = Save("attention", attention);

        Shape = new EngineShape(Prefix, Tokens, D, Heads, D / Heads, Depth, Channels, Channels);
        Tables = [new TokenTableData("positions", Positions, D, IncludesPrefix: false)];
        Geometry = new LatentGeometry { Channels = Channels, OutChannels = Channels, Height = Side, Width = Side, PatchSize = 1, PrefixRows = Prefix };
    }

    public LatentGeometry Geometry { get; }
    public EngineShape ShapeFor(LatentGeometry geometry) => Shape;
    public IReadOnlyList<TokenTableData> TablesFor(LatentGeometry geometry) => Tables;

    public float[] Wt { get; }
    public float[] We { get; }
    public float[] Positions { get; }
    public float[] Wf { get; }
    public float[][] Wq { get; }
    public float[][] Wk { get; }
    public float[][] Wv { get; }
    public float[][] Wo { get; }

    public EngineShape Shape { get; }
    public IReadOnlyList<TokenTableData> Tables { get; }
    public InferenceSession AttentionSession { get; }

    public BoundRun Attach(IStepDevice device, RunOptions runOptions, StepBuffer timestep, LatentGeometry geometry)
    {
        Detach();
        _tMod = device.Allocate(1, D);
        return new BoundRun(device, _cond, runOptions, [("timestep", timestep.ViewAs(1))], [("t_mod", _tMod.ViewAs(1, D))]);
    }

    /// <summary>The caption states are the prefix rows themselves ([L, D] per branch).</summary>
    public CaptionBuffers EncodeCaptions(IStepDevice device, RunOptions runOptions, IReadOnlyList<CaptionInput> captions)
    {
        var rows = device.Allocate(captions.Count * Prefix, D);
        for (var b = 0; b < captions.Count; b++)
        {
            Assert.That(captions[b].Tokens, Is.EqualTo(Prefix));
            device.Upload(captions[b].States, rows, (long)b * Prefix * D);
        }
        return new PrefixCaptions(rows);
    }

    public StepRuns Bind(EngineBindings e, BatchBuffers s, int n)
    {
        var prefix = ((PrefixCaptions)s.Captions!).Rows;
        int b = s.Batch, rows = Prefix + n;
        var device = e.Device;
        var embed = new BoundRun(device, _embed, e.RunOptions,
            [("patches", e.Patches.View(b, n)), ("positions", e.Table("positions").Ordered.View(0, n)), ("prefix", prefix.View(b, Prefix))],
            [("hidden", e.Embedded.View(b, rows))]);
        var pre = new BoundRun[Depth];
        var post = new BoundRun[Depth];
        for (var i = 0; i < Depth; i++)
        {
            var input = s.HiddenIn(i, e.Embedded);
            pre[i] = new BoundRun(device, _pre[i], e.RunOptions, [("hidden", input.View(b, rows)), ("t_mod", _tMod!.ViewAs(1, D))],
                [("q", s.Queries.View(b, rows)), ("k", s.NewKeys.View(b, rows)), ("v", s.NewValues.View(b, rows))]);
            post[i] = new BoundRun(device, _post[i], e.RunOptions, [("hidden", input.View(b, rows)), ("attention", s.AttentionOut.View(b, rows))],
                [("hidden_out", s.HiddenOut(i).View(b, rows))]);
        }
        var final = new BoundRun(device, _final, e.RunOptions, [("hidden", s.HiddenOut(Depth - 1).View(b, rows))], [("patch_out", s.NewOutput.View(b, n))]);
        return new StepRuns(embed, pre, post, final);
    }

    /// <summary>
    /// The whole model in double precision, natural token order, every row computed: outputs
    /// [N, Channels] per token and the per-layer keys [L + N, D].
    /// </summary>
    public (double[] Output, double[][] Keys) Reference(float[] latents, float timestep, float[] prefixRows)
    {
        const int rows = Prefix + Tokens, hd = D / Heads;
        var h = new double[rows * D];
        for (var i = 0; i < Prefix * D; i++) h[i] = prefixRows[i];
        for (var tok = 0; tok < Tokens; tok++)
            for (var j = 0; j < D; j++)
            {
                double acc = Positions[tok * D + j];
                for (var c = 0; c < Channels; c++) acc += latents[c * Tokens + tok] * We[c * D + j];
                h[(Prefix + tok) * D + j] = acc;
            }
        var keys = new double[Depth][];
        for (var layer = 0; layer < Depth; layer++)
        {
            var x = new double[rows * D];
            for (var r = 0; r < rows; r++) for (var j = 0; j < D; j++) x[r * D + j] = h[r * D + j] + (double)timestep * Wt[j];
            double[] Proj(float[] w)
            {
                var y = new double[rows * D];
                for (var r = 0; r < rows; r++) for (var j = 0; j < D; j++) { double a = 0; for (var k = 0; k < D; k++) a += x[r * D + k] * w[k * D + j]; y[r * D + j] = a; }
                return y;
            }
            double[] q = Proj(Wq[layer]), k = Proj(Wk[layer]), v = Proj(Wv[layer]);
            keys[layer] = k;
            var o = new double[rows * D];
            for (var head = 0; head < Heads; head++)
                for (var qi = 0; qi < rows; qi++)
                {
                    var scores = new double[rows];
                    for (var ki = 0; ki < rows; ki++) { double s = 0; for (var c = 0; c < hd; c++) s += q[qi * D + head * hd + c] * k[ki * D + head * hd + c]; scores[ki] = s / Math.Sqrt(hd); }
                    var max = scores.Max(); var sum = 0.0;
                    for (var ki = 0; ki < rows; ki++) { scores[ki] = Math.Exp(scores[ki] - max); sum += scores[ki]; }
                    for (var c = 0; c < hd; c++) { double a = 0; for (var ki = 0; ki < rows; ki++) a += scores[ki] / sum * v[ki * D + head * hd + c]; o[qi * D + head * hd + c] = a; }
                }
            var next = new double[rows * D];
            for (var r = 0; r < rows; r++) for (var j = 0; j < D; j++) { double a = h[r * D + j]; for (var c = 0; c < D; c++) a += o[r * D + c] * Wo[layer][c * D + j]; next[r * D + j] = a; }
            h = next;
        }
        var output = new double[Tokens * Channels];
        for (var tok = 0; tok < Tokens; tok++)
            for (var c = 0; c < Channels; c++) { double a = 0; for (var j = 0; j < D; j++) a += h[(Prefix + tok) * D + j] * Wf[j * Channels + c]; output[tok * Channels + c] = a; }
        return (output, keys);
    }

    public void Detach()
    {
        _tMod?.Dispose();
        _tMod = null;
    }

    public void Dispose()
    {
        Detach();
        foreach (var s in _pre.Concat(_post).Append(_embed).Append(_cond).Append(_final).Append(AttentionSession)) s.Dispose();
        _folder.Dispose();
    }

    private sealed class PrefixCaptions(StepBuffer rows) : CaptionBuffers
    {
        public StepBuffer Rows { get; } = rows;
        public override int Tokens => Prefix;
        protected override IEnumerable<StepBuffer> Buffers => [Rows];
    }
}
