using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Train.Model;

/// <summary>
/// The subset of diffusers' PixArtTransformer2DModel config that our models vary; everything else is
/// fixed to the values the default model (and the exporter) assume and is written out verbatim.
/// </summary>
public sealed record PixArtConfig(
    int SampleSize, int PatchSize, int InChannels, int OutChannels,
    int NumLayers, int NumHeads, int HeadDim, int CaptionChannels = 384)
{
    public int Dim => NumHeads * HeadDim;
    public int Grid => SampleSize / PatchSize;
    public int Tokens => Grid * Grid;

    /// <summary>diffusers' default when interpolation_scale is null: max(sample_size // 64, 1).</summary>
    public double InterpolationScale => Math.Max(SampleSize / 64, 1);

    public const double NormEps = 1e-6;

    /// <summary>The diffusers config.json, field for field as PixArtTransformer2DModel reads it.</summary>
    public string ToDiffusersJson()
    {
        var json = new JsonObject
        {
            ["_class_name"] = "PixArtTransformer2DModel",
            ["sample_size"] = SampleSize,
            ["patch_size"] = PatchSize,
            ["in_channels"] = InChannels,
            ["out_channels"] = OutChannels,
            ["num_layers"] = NumLayers,
            ["num_attention_heads"] = NumHeads,
            ["attention_head_dim"] = HeadDim,
            ["cross_attention_dim"] = Dim,
            ["caption_channels"] = CaptionChannels,
            ["norm_type"] = "ada_norm_single",
            ["norm_elementwise_affine"] = false,
            ["norm_eps"] = NormEps,
            ["attention_bias"] = true,
            ["activation_fn"] = "gelu-approximate",
            ["num_embeds_ada_norm"] = 1000,
            ["use_additional_conditions"] = false,
            ["interpolation_scale"] = null,
            ["dropout"] = 0.0,
            ["upcast_attention"] = false,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static PixArtConfig FromDiffusersJson(string text)
    {
        var j = JsonNode.Parse(text) ?? throw new InvalidDataException("empty config.json");
        int I(string name) => j[name]?.GetValue<int>() ?? throw new InvalidDataException($"config.json lacks {name}");
        return new PixArtConfig(I("sample_size"), I("patch_size"), I("in_channels"), I("out_channels"),
            I("num_layers"), I("num_attention_heads"), I("attention_head_dim"), I("caption_channels"));
    }
}
