using Jano.Export.Onnx;

namespace Jano.Export.Vae;

/// <summary>
/// Emits diffusers' AutoencoderKL decode path (v0.32: AutoencoderKL._decode → Decoder.forward) into a
/// graph builder, module by module with diffusers' names as value hints. The graph computes
/// vae.decode(z).sample: no scaling, no clamping.
/// </summary>
public sealed class AutoencoderKlGraphEmitter(AutoencoderKlConfig config, AutoencoderKlWeights weights)
{
    private const float Eps = AutoencoderKlConfig.NormEpsilon;

    /// <summary>z [B, C_lat, h, w] → image [B, out_channels, f·h, f·w].</summary>
    public string Decode(OnnxGraphBuilder g, string z)
    {
        var h = z;
        if (weights.PostQuantConv is { } postQuant) h = Conv(g, h, postQuant, "post_quant_conv");
        h = Conv(g, h, weights.ConvIn, "decoder.conv_in");

        h = Resnet(g, h, weights.MidResnet0, "decoder.mid_block.resnets.0");
        if (weights.MidAttention is { } attention) h = Attention(g, h, attention, "decoder.mid_block.attentions.0");
        h = Resnet(g, h, weights.MidResnet1, "decoder.mid_block.resnets.1");

        for (var i = 0; i < weights.UpBlocks.Length; i++)
        {
            var block = weights.UpBlocks[i];
            for (var j = 0; j < block.Resnets.Length; j++) h = Resnet(g, h, block.Resnets[j], $"decoder.up_blocks.{i}.resnets.{j}");
            if (block.Upsampler is { } conv)
            {
                var name = $"decoder.up_blocks.{i}.upsamplers.0";
                h = Conv(g, g.UpsampleNearest2x(h, name + ".interpolate"), conv, name + ".conv");
            }
        }

        h = g.Silu(Norm(g, h, weights.NormOut, "decoder.conv_norm_out"), "decoder.conv_act");
        return Conv(g, h, weights.ConvOut, "decoder.conv_out");
    }

    /// <summary>
    /// ResnetBlock2D without time embedding (temb is None in the decoder): norm1 → SiLU → conv1 → norm2 →
    /// SiLU → dropout (identity at inference) → conv2, plus the input (through the 1×1 conv_shortcut when
    /// the width changes); output_scale_factor is 1, so there is no division.
    /// </summary>
    private string Resnet(OnnxGraphBuilder g, string x, ResnetWeights w, string name)
    {
        var h = g.Silu(Norm(g, x, w.Norm1, name + ".norm1"), name + ".act1");
        h = Conv(g, h, w.Conv1, name + ".conv1");
        h = g.Silu(Norm(g, h, w.Norm2, name + ".norm2"), name + ".act2");
        h = Conv(g, h, w.Conv2, name + ".conv2");
        var skip = w.Shortcut is { } shortcut ? Conv(g, x, shortcut, name + ".conv_shortcut") : x;
        return g.Add(skip, h, name);
    }

    /// <summary>
    /// The mid block's Attention (AttnProcessor2_0 with group_norm, one head of width C, residual
    /// connection, rescale factor 1) over the h·w positions: tokens [B, h·w, C], q·kᵀ/√C, softmax in
    /// float32 (upcast_softmax), back to [B, C, h, w] plus the input. The 1/√C scale is folded into the
    /// query projection, and q, k, v come from one fused matmul.
    /// </summary>
    private string Attention(OnnxGraphBuilder g, string x, SpatialAttentionWeights w, string name)
    {
        var c = w.Q.Out;
        var normed = Norm(g, x, w.Norm, name + ".group_norm");
        var tokens = g.Transpose(g.Reshape(normed, [0, c, -1], name + ".flat"), [0, 2, 1], name + ".tokens");

        var scale = 1f / MathF.Sqrt(c);
        var fused = new float[3 * c * c];
        var fusedBias = new float[3 * c];
        var parts = new[] { w.Q, w.K, w.V };
        for (var p = 0; p < 3; p++)
        {
            var factor = p == 0 ? scale : 1f;
            for (var i = 0; i < c * c; i++) fused[p * c * c + i] = parts[p].Weight[i] * factor;
            for (var i = 0; i < c; i++) fusedBias[p * c + i] = parts[p].Bias[i] * factor;
        }
        var qkv = g.Linear(tokens, fused, fusedBias, c, 3 * c, name + ".to_qkv");
        var split = g.Split(qkv, -1, [c, c, c], [name + ".q", name + ".k", name + ".v"]);
        var scores = g.MatMul(split[0], g.Transpose(split[1], [0, 2, 1], name + ".k_t"), name + ".scores");
        var probs = g.ToCompute(g.Softmax(g.ToFloat32(scores), -1, name + ".probs"));
        var context = g.MatMul(probs, split[2], name + ".context");
        var projected = g.Linear(context, w.Out.Weight, w.Out.Bias, c, c, name + ".to_out.0");
        var spatial = g.Node("Reshape", name + ".spatial", [g.Transpose(projected, [0, 2, 1], name + ".channels"), g.Shape(x, name + ".shape")]);
        return g.Add(spatial, x, name);
    }

    private string Norm(OnnxGraphBuilder g, string x, GroupNormWeights w, string name) =>
        g.GroupNorm(x, config.NormNumGroups, w.Scale, w.Shift, Eps, name);

    private static string Conv(OnnxGraphBuilder g, string x, Conv2dWeights w, string name) =>
        g.Conv2d(x, w.Weight, w.Bias, w.In, w.Out, w.Kernel, name);
}
