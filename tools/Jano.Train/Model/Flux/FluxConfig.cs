using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Train.Model.Flux;

/// <summary>
/// diffusers FluxTransformer2DModel's config, plus the trainer's image layout: images of
/// <see cref="ImageChannels"/> × <see cref="ImageSize"/>² are packed 2×2 into tokens of
/// 4·ImageChannels channels (FluxPipeline._pack_latents), so in_channels = out_channels = 4·ImageChannels
/// and patch_size is 1, as in every FLUX checkpoint.
/// </summary>
public sealed record FluxConfig(
    int ImageSize, int ImageChannels, int NumLayers, int NumSingleLayers, int NumHeads, int HeadDim,
    int[] AxesDimsRope, bool GuidanceEmbeds, int JointAttentionDim = 384, int PooledProjectionDim = 384, int TextRows = 0)
{
    public int Dim => NumHeads * HeadDim;
    public int PackedChannels => 4 * ImageChannels;
    public int Grid => ImageSize / 2;
    public int Tokens => Grid * Grid;

    /// <summary>FluxPosEmbed's theta.</summary>
    public const double RopeTheta = 10000.0;

    /// <summary>Every FLUX norm (adaLN, qk RMSNorm, norm2, norm_out) uses 1e-6.</summary>
    public const double NormEps = 1e-6;

    /// <summary>
    /// The caption rows the trained model always sees: captions zero-padded to this many MiniLM states with
    /// no key mask, as FLUX pads T5 to max_sequence_length and attends to the padding. The runtime's
    /// package then has a fixed prefix of this many text rows. Not part of diffusers' config.
    /// </summary>
    public const int TrainingTextRows = 16;

    /// <summary>The trained model's shape (tools/Jano.Train/README.md, "FLUX"): 32×32×1 → 256 tokens of 4, 16 caption rows.</summary>
    public static FluxConfig Training(int dim, int headDim, int doubleLayers, int singleLayers) =>
        new(32, 1, doubleLayers, singleLayers, dim / headDim, headDim, RopeAxes(headDim), GuidanceEmbeds: false, TextRows: TrainingTextRows);

    /// <summary>axes_dims_rope for a head width: the frame axis (always id 0 here) gets a quarter, row and column split the rest, all even.</summary>
    public static int[] RopeAxes(int headDim)
    {
        int t = headDim / 4 / 2 * 2;
        int h = (headDim - t) / 2 / 2 * 2;
        return [t, h, headDim - t - h];
    }

    public void Validate()
    {
        if (ImageSize % 2 != 0) throw new ArgumentException($"FLUX image size {ImageSize} must be even (2×2 packing)");
        if (AxesDimsRope.Sum() != HeadDim || AxesDimsRope.Any(a => a % 2 != 0))
            throw new ArgumentException($"axes_dims_rope [{string.Join(", ", AxesDimsRope)}] must be even and sum to the head width {HeadDim}");
    }

    /// <summary>config.json, field for field as FluxTransformer2DModel's __init__ takes it.</summary>
    public string ToDiffusersJson()
    {
        var json = new JsonObject
        {
            ["_class_name"] = "FluxTransformer2DModel",
            ["patch_size"] = 1,
            ["in_channels"] = PackedChannels,
            ["out_channels"] = PackedChannels,
            ["num_layers"] = NumLayers,
            ["num_single_layers"] = NumSingleLayers,
            ["attention_head_dim"] = HeadDim,
            ["num_attention_heads"] = NumHeads,
            ["joint_attention_dim"] = JointAttentionDim,
            ["pooled_projection_dim"] = PooledProjectionDim,
            ["guidance_embeds"] = GuidanceEmbeds,
            ["axes_dims_rope"] = new JsonArray(AxesDimsRope.Select(a => (JsonNode)a).ToArray()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
