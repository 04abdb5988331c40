namespace Jano.Export.Vae;

/// <summary>A 2-D convolution in PyTorch layout: Weight is [Out, In, Kernel, Kernel], Bias is [Out].</summary>
public sealed record Conv2dWeights(float[] Weight, float[] Bias, int In, int Out, int Kernel);

/// <summary>GroupNorm's affine parameters: per-channel scale (weight) and shift (bias).</summary>
public sealed record GroupNormWeights(float[] Scale, float[] Shift, int Channels);

/// <summary>A linear layer in PyTorch layout: Weight is [Out, In] row-major, Bias is [Out].</summary>
public sealed record DenseWeights(float[] Weight, float[] Bias, int In, int Out);

/// <summary>diffusers' ResnetBlock2D without time embedding; Shortcut is the 1×1 conv present when channels change.</summary>
public sealed record ResnetWeights(GroupNormWeights Norm1, Conv2dWeights Conv1, GroupNormWeights Norm2, Conv2dWeights Conv2, Conv2dWeights? Shortcut)
{
    public int In => Conv1.In;
    public int Out => Conv1.Out;
}

/// <summary>The mid block's single-head spatial self-attention: group norm, q/k/v projections, output projection.</summary>
public sealed record SpatialAttentionWeights(GroupNormWeights Norm, DenseWeights Q, DenseWeights K, DenseWeights V, DenseWeights Out);

/// <summary>One UpDecoderBlock2D: its resnets and, except for the last block, the upsampler's 3×3 conv.</summary>
public sealed record UpBlockWeights(ResnetWeights[] Resnets, Conv2dWeights? Upsampler);

/// <summary>
/// Every parameter the decoder path of diffusers' AutoencoderKL uses (post_quant_conv.* and decoder.*),
/// keyed as its state dict. The encoder's tensors (encoder.*, quant_conv.*) are in the same file but
/// are not the decoder's: <see cref="IsEncoderKey"/> lets the exporter skip them in its unused-key check.
/// </summary>
public sealed record AutoencoderKlWeights(
    Conv2dWeights? PostQuantConv,
    Conv2dWeights ConvIn,
    ResnetWeights MidResnet0,
    SpatialAttentionWeights? MidAttention,
    ResnetWeights MidResnet1,
    UpBlockWeights[] UpBlocks,
    GroupNormWeights NormOut,
    Conv2dWeights ConvOut)
{
    /// <summary>Reads a tensor by key, asserting its shape. Implementations throw with the file and key.</summary>
    public delegate float[] TensorLookup(string key, long[] shape);

    /// <summary>Whether a key belongs to the encoder half of the autoencoder, which decoding never reads.</summary>
    public static bool IsEncoderKey(string key) =>
        key.StartsWith("encoder.", StringComparison.Ordinal) || key.StartsWith("quant_conv.", StringComparison.Ordinal);

    /// <summary>
    /// Attention weight names before diffusers' 0.14 rename, which diffusers still converts at load
    /// (ModelMixin._convert_deprecated_attention_blocks): query/key/value/proj_attn → to_q/to_k/to_v/to_out.0.
    /// </summary>
    private static readonly (string Current, string Deprecated)[] AttentionNames =
        [("to_q", "query"), ("to_k", "key"), ("to_v", "value"), ("to_out.0", "proj_attn")];

    /// <summary>The channel widths of up block <paramref name="i"/> in diffusers' order: (its input, its output).</summary>
    public static (int In, int Out) UpBlockChannels(AutoencoderKlConfig c, int i)
    {
        var reversed = c.BlockOutChannels.Reverse().ToArray();
        return (reversed[Math.Max(i - 1, 0)], reversed[i]);
    }

    /// <summary>Every key and shape the config implies, in state-dict order (the random checkpoint writes these).</summary>
    public static IEnumerable<(string Key, long[] Shape)> ExpectedTensors(AutoencoderKlConfig c)
    {
        var list = new List<(string, long[])>();
        Load(c, (key, shape) => { list.Add((key, shape)); return []; }, _ => false);
        return list;
    }

    /// <param name="contains">Whether the checkpoint has a key: decides between current and deprecated attention names.</param>
    public static AutoencoderKlWeights Load(AutoencoderKlConfig c, TensorLookup get, Func<string, bool> contains)
    {
        Conv2dWeights Conv(string name, int inC, int outC, int k) =>
            new(get(name + ".weight", [outC, inC, k, k]), get(name + ".bias", [outC]), inC, outC, k);
        GroupNormWeights Norm(string name, int ch) => new(get(name + ".weight", [ch]), get(name + ".bias", [ch]), ch);
        ResnetWeights Resnet(string name, int inC, int outC) => new(
            Norm(name + ".norm1", inC), Conv(name + ".conv1", inC, outC, 3),
            Norm(name + ".norm2", outC), Conv(name + ".conv2", outC, outC, 3),
            inC != outC ? Conv(name + ".conv_shortcut", inC, outC, 1) : null);
        DenseWeights Dense(string prefix, int index, int width)
        {
            var (current, deprecated) = AttentionNames[index];
            var name = $"{prefix}.{current}";
            if (!contains(name + ".weight") && contains($"{prefix}.{deprecated}.weight")) name = $"{prefix}.{deprecated}";
            return new DenseWeights(get(name + ".weight", [width, width]), get(name + ".bias", [width]), width, width);
        }

        var postQuant = c.UsePostQuantConv ? Conv("post_quant_conv", c.LatentChannels, c.LatentChannels, 1) : null;
        var top = c.TopChannels;
        var convIn = Conv("decoder.conv_in", c.LatentChannels, top, 3);
        var mid0 = Resnet("decoder.mid_block.resnets.0", top, top);
        SpatialAttentionWeights? attention = null;
        if (c.MidBlockAddAttention)
        {
            const string a = "decoder.mid_block.attentions.0";
            attention = new SpatialAttentionWeights(Norm(a + ".group_norm", top), Dense(a, 0, top), Dense(a, 1, top), Dense(a, 2, top), Dense(a, 3, top));
        }
        var mid1 = Resnet("decoder.mid_block.resnets.1", top, top);

        var ups = new UpBlockWeights[c.Levels];
        for (var i = 0; i < c.Levels; i++)
        {
            var (inC, outC) = UpBlockChannels(c, i);
            var name = $"decoder.up_blocks.{i}";
            var resnets = new ResnetWeights[c.LayersPerBlock + 1];
            for (var j = 0; j < resnets.Length; j++) resnets[j] = Resnet($"{name}.resnets.{j}", j == 0 ? inC : outC, outC);
            var upsampler = i < c.Levels - 1 ? Conv($"{name}.upsamplers.0.conv", outC, outC, 3) : null;
            ups[i] = new UpBlockWeights(resnets, upsampler);
        }

        var bottom = c.BlockOutChannels[0];
        return new AutoencoderKlWeights(postQuant, convIn, mid0, attention, mid1, ups,
            Norm("decoder.conv_norm_out", bottom), Conv("decoder.conv_out", bottom, c.OutChannels, 3));
    }
}
