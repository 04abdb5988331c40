using System.Text.Json.Nodes;
using Jano.Core.Packages;
using Jano.Export.Vae;

namespace Jano.Tests.Export.Vae;

/// <summary>A random AutoencoderKL in a temporary folder (diffusers layout), its exported decoder graph and its reference.</summary>
internal sealed class TinyVae : IDisposable
{
    private readonly TempFolder _folder = new("jano-vae");

    public TinyVae(JsonObject config, int seed = 5)
    {
        ConfigJson = config;
        Checkpoint = Path.Combine(_folder.Path, "vae");
        AutoencoderKlRandomCheckpoint.Write(config, Checkpoint, seed);
    }

    /// <summary>Two levels of 16 and 32 channels in 8 groups, 4 latent channels, SD's scaling: every module kind, in seconds.</summary>
    public static JsonObject SmallConfig(bool postQuantConv = true, bool midAttention = true, int latentChannels = 4, double? shift = null, double scaling = 0.18215, bool forceUpcast = true) =>
        AutoencoderKlRandomCheckpoint.Config([16, 32], layersPerBlock: 1, latentChannels, groups: 8, scaling, shift, postQuantConv, midAttention, forceUpcast);

    public JsonObject ConfigJson { get; }
    public string Checkpoint { get; }
    public string Folder => _folder.Path;
    public string ConfigPath => Path.Combine(Checkpoint, "config.json");
    public string WeightsPath => Path.Combine(Checkpoint, AutoencoderKlRandomCheckpoint.WeightsFile);

    public AutoencoderKlConfig Config => AutoencoderKlConfig.Load(ConfigPath);

    public DecoderComponent Export(string dtype = "float32", string file = "decoder.onnx") =>
        AutoencoderKlExporter.Export(Checkpoint, GraphPath(file), new DecoderExportOptions { DType = dtype });

    public string GraphPath(string file = "decoder.onnx") => Path.Combine(_folder.Path, "package", file);

    public AutoencoderKlReference Reference()
    {
        var config = Config;
        return new AutoencoderKlReference(config, AutoencoderKlExporter.LoadWeights(config, Checkpoint, ConfigPath));
    }

    public void Dispose() => _folder.Dispose();
}
