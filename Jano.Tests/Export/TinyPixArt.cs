using System.Text.Json.Nodes;
using Jano.Export.Checkpoints;
using Jano.Export.PixArt;

namespace Jano.Tests.Export;

/// <summary>Tiny random PixArt checkpoints and packages in a temporary folder, for exporter tests.</summary>
public sealed class TinyPixArt : IDisposable
{
    private readonly TempFolder _folder = new();

    public TinyPixArt(int layers = 2, int heads = 2, int headDim = 8, int sample = 8, int patch = 2, int inChannels = 2,
        int outChannels = 2, int caption = 12, int seed = 7, string? sampler = "flow-euler", bool microConditions = false)
    {
        Checkpoint = Path.Combine(Folder, "checkpoint");
        Package = Path.Combine(Folder, "package");
        ConfigJson = new JsonObject
        {
            ["_class_name"] = "PixArtTransformer2DModel",
            ["sample_size"] = sample,
            ["patch_size"] = patch,
            ["in_channels"] = inChannels,
            ["out_channels"] = outChannels,
            ["num_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["attention_head_dim"] = headDim,
            ["cross_attention_dim"] = heads * headDim,
            ["caption_channels"] = caption,
            ["norm_type"] = "ada_norm_single",
            ["norm_elementwise_affine"] = false,
            ["norm_eps"] = 1e-6,
            ["attention_bias"] = true,
            ["activation_fn"] = "gelu-approximate",
            ["use_additional_conditions"] = microConditions,
        };
        Config = PixArtConfig.Parse(ConfigJson, "config.json");
        PixArtRandomCheckpoint.Write(Config, ConfigJson, Checkpoint, seed);
        using var weights = CheckpointWeights.Open(Checkpoint);
        Weights = PixArtWeights.Load(Config, (k, s) => weights.GetFloat32(k, s));
        Sampler = sampler;
    }

    public string Folder => _folder.Path;
    public string Checkpoint { get; }
    public string Package { get; }
    public JsonObject ConfigJson { get; }
    public PixArtConfig Config { get; }
    public PixArtWeights Weights { get; }
    public string? Sampler { get; }

    /// <param name="size">Latent (height, width) the package is built for; null: the config's square sample_size.</param>
    public Jano.Core.Packages.ModelManifest Export(string dtype = "float32", (int Height, int Width)? size = null) =>
        PixArtExporter.Export(Checkpoint, Package, new Jano.Export.ExportOptions { Sampler = Sampler, DType = dtype, Size = size });

    public string PackageFile(string name) => Path.Combine(Package, name);

    /// <summary>A diffusers scheduler_config.json beside the transformer (read when <see cref="Sampler"/> is null); returns its path.</summary>
    public string WriteSchedulerConfig(string json)
    {
        var path = Path.Combine(Checkpoint, "scheduler_config.json");
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
