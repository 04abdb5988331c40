using Jano.Train.Export;
using Jano.Train.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Jano.Train.Commands;

/// <summary>
/// dump-fixture --out DIR [--seed S] [--family pixart|flux]: a tiny random PixArt model in diffusers layout (config.json,
/// diffusion_pytorch_model.safetensors) and fixture.safetensors with one forward pass of it, so that an
/// exporter can be checked against this trainer's forward (--family flux: see FluxFixture). Every parameter is random (none zero, unlike
/// a training init) and there are 2 channels, so a wrong channel order in (un)patchify shows.
/// </summary>
public static class DumpFixtureCommand
{
    public static PixArtConfig Config => new(SampleSize: 8, PatchSize: 2, InChannels: 2, OutChannels: 2, NumLayers: 2, NumHeads: 2, HeadDim: 16);

    public static int Run(string[] argv)
    {
        var a = new Args(argv);
        string outDir = Path.GetFullPath(a.Required("out"));
        int seed = a.Int("seed", 0);
        string family = a.String("family") ?? Training.Families.PixArt;
        a.RejectUnknown();
        if (family == Training.Families.Flux)
        {
            FluxFixture.Write(outDir, seed);
            return 0;
        }
        if (family != Training.Families.PixArt)
            throw new ArgumentException($"--family {family}: allowed are {Training.Families.PixArt}, {Training.Families.Flux}");

        manual_seed(seed);
        var config = Config;
        var model = new PixArtTransformer(config);
        Initializer.Randomize(model, std: 0.1);
        model.eval();

        var x = randn(1, config.InChannels, config.SampleSize, config.SampleSize);
        var t = tensor(new[] { 437.5f });
        var caption = randn(1, 5, config.CaptionChannels);
        var mask = ones(1, 5);
        Tensor output;
        using (no_grad()) output = model.Forward(x, t, caption, mask);

        DiffusersExport.Write(outDir, model);
        Safetensors.SaveStateDict(Path.Combine(outDir, "fixture.safetensors"), new Dictionary<string, Tensor>
        {
            ["hidden_states"] = x,                  // [1, C, S, S]
            ["timestep"] = t,                       // [1], the value the transformer sees (0..1000)
            ["encoder_hidden_states"] = caption,    // [1, 5, 384], unpadded
            ["encoder_attention_mask"] = mask,      // [1, 5], all ones
            ["output"] = output,                    // [1, C, S, S]
            ["pos_embed"] = model.PosEmbed.Table,   // [(S/p)², D], the fixed table the forward added
        });
        Console.WriteLine($"fixture written to {outDir}: output mean {output.mean().item<float>():F6} std {output.std().item<float>():F6}");
        return 0;
    }
}
