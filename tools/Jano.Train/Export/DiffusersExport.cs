using Jano.Train.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Jano.Train.Export;

/// <summary>
/// Writes a model in diffusers layout: config.json + diffusion_pytorch_model.safetensors (float32,
/// PyTorch key names and Linear layout [out, in]) — what `jano export` reads. The module's parameter
/// names already are the diffusers keys, so the state dict is written as it is.
/// </summary>
public static class DiffusersExport
{
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";

    public static void Write(string folder, FlowModel model)
    {
        Directory.CreateDirectory(folder);
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().to_type(float32).contiguous());
        string temp = Path.Combine(folder, WeightsFile + ".tmp");
        Safetensors.SaveStateDict(temp, weights);
        File.Move(temp, Path.Combine(folder, WeightsFile), overwrite: true);
        File.WriteAllText(Path.Combine(folder, "config.json"), model.ToDiffusersJson());
    }

    /// <summary>A PixArt checkpoint (the yardstick's libtorch side).</summary>
    public static PixArtTransformer Read(string folder)
    {
        var config = PixArtConfig.FromDiffusersJson(File.ReadAllText(Path.Combine(folder, "config.json")));
        var model = new PixArtTransformer(config);
        model.load_safetensors(Path.Combine(folder, WeightsFile));
        model.eval();
        return model;
    }
}
