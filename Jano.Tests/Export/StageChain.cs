using Jano.Export.PixArt;

namespace Jano.Tests.Export;

/// <summary>
/// Runs a package's stage graphs one after another with a plain float attention between pre and
/// post, exactly the data flow the runtime's orchestrator uses, for comparison with model.onnx.
/// </summary>
public static class StageChain
{
    public static float[] Run(TinyPixArt model, float[] sample, float[] timesteps, float[] text, int textTokens)
    {
        var c = model.Config;
        int b = timesteps.Length, d = c.HiddenSize, n = c.Tokens, per = c.InChannels * c.SampleSize * c.SampleSize;
        var patches = Enumerable.Range(0, b).SelectMany(i => PixArtStageGraphTests.Patchify(sample[(i * per)..((i + 1) * per)], c)).ToArray();
        var positions = new PixArtReference(c, model.Weights).Positions().Select(v => (float)v).ToArray();
        var h = OnnxRunner.Run(model.PackageFile("embed.onnx"), ("patches", patches, [b, n, c.PatchInputWidth]), ("positions", positions, [n, d]))["hidden"];
        var cond = OnnxRunner.Run(model.PackageFile("cond.onnx"), ("timestep", timesteps, [b]));
        var ctx = OnnxRunner.Run(model.PackageFile("context.onnx"), ("text_states", text, [b, textTokens, c.CaptionChannels]));
        for (var layer = 0; layer < c.NumLayers; layer++)
        {
            var qkv = OnnxRunner.Run(model.PackageFile($"block_{layer:D2}.pre.onnx"), ("hidden", h, [b, n, d]), ("t_mod", cond["t_mod"], [b, 6 * d]));
            var attention = PlainAttention(qkv["q"], qkv["k"], qkv["v"], b, n, c.NumHeads, c.HeadDim);
            h = OnnxRunner.Run(model.PackageFile($"block_{layer:D2}.post.onnx"),
                ("hidden", h, [b, n, d]), ("attention", attention, [b, n, d]), ("t_mod", cond["t_mod"], [b, 6 * d]),
                ("cross_k", ctx[Jano.Core.Stages.StageRoles.Names.CrossKeyOf(layer)], [b, textTokens, d]),
                ("cross_v", ctx[Jano.Core.Stages.StageRoles.Names.CrossValueOf(layer)], [b, textTokens, d]),
                ("cross_bias", new float[b * textTokens], [b, textTokens]))["hidden_out"];
        }
        var outPatches = OnnxRunner.Run(model.PackageFile("final.onnx"), ("hidden", h, [b, n, d]), ("t_emb", cond["t_emb"], [b, d]))["patch_out"];
        var reference = new PixArtReference(c, model.Weights);
        var pw = c.PatchOutputWidth;
        return Enumerable.Range(0, b)
            .SelectMany(i => reference.Unpatchify(TestData.ToDouble(outPatches[(i * n * pw)..((i + 1) * n * pw)])).Select(v => (float)v))
            .ToArray();
    }

    /// <summary>Softmax attention in float with a max-subtracted exponent; layout [B, n, H·hd].</summary>
    public static float[] PlainAttention(float[] q, float[] k, float[] v, int batch, int n, int heads, int hd)
    {
        var d = heads * hd;
        var o = new float[q.Length];
        var scale = 1f / MathF.Sqrt(hd);
        var s = new float[n];
        for (var b = 0; b < batch; b++)
            for (var h = 0; h < heads; h++)
                for (var i = 0; i < n; i++)
                {
                    var max = float.NegativeInfinity;
                    for (var j = 0; j < n; j++)
                    {
                        float dot = 0;
                        for (var e = 0; e < hd; e++) dot += q[(b * n + i) * d + h * hd + e] * k[(b * n + j) * d + h * hd + e];
                        s[j] = dot * scale;
                        max = MathF.Max(max, s[j]);
                    }
                    float sum = 0;
                    for (var j = 0; j < n; j++) { s[j] = MathF.Exp(s[j] - max); sum += s[j]; }
                    for (var e = 0; e < hd; e++)
                    {
                        float acc = 0;
                        for (var j = 0; j < n; j++) acc += s[j] * v[(b * n + j) * d + h * hd + e];
                        o[(b * n + i) * d + h * hd + e] = acc / sum;
                    }
                }
        return o;
    }
}
