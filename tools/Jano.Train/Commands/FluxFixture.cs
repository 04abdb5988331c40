using Jano.Train.Export;
using Jano.Train.Model.Flux;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Jano.Train.Commands;

/// <summary>
/// dump-fixture --family flux --out DIR: random FLUX models in diffusers layout with this trainer's
/// forward on them, for tools/golden/check_trainer_flux.py to compare with diffusers' own
/// FluxTransformer2DModel. Two cases: "train_shape" (the trained model's config, square 16×16 grid) and
/// "guidance" (tiny, guidance_embeds true, 2 image channels, a non-square 4×6 grid so a swapped row/col
/// id or packing order shows). Every parameter random (none zero), RMSNorm weights around one.
/// </summary>
public static class FluxFixture
{
    public static readonly FluxConfig TrainShape = FluxConfig.Training(dim: 128, headDim: 32, doubleLayers: 2, singleLayers: 4);
    public static readonly FluxConfig Guidance = new(ImageSize: 8, ImageChannels: 2, NumLayers: 1, NumSingleLayers: 2,
        NumHeads: 2, HeadDim: 16, AxesDimsRope: [4, 6, 6], GuidanceEmbeds: true);

    public static void Write(string outDir, int seed)
    {
        WriteCase(Path.Combine(outDir, "train_shape"), TrainShape, seed, height: 32, width: 32, textTokens: 7);
        WriteCase(Path.Combine(outDir, "guidance"), Guidance, seed + 1, height: 8, width: 12, textTokens: 5);
    }

    private static void WriteCase(string dir, FluxConfig config, int seed, int height, int width, int textTokens)
    {
        const int batch = 2, pad = 3;
        manual_seed(seed);
        var model = new FluxTransformer(config);
        FluxInitializer.Randomize(model, std: 0.1);
        model.eval();

        int gh = height / 2, gw = width / 2;
        var image = randn(batch, config.ImageChannels, height, width);
        var text = randn(batch, textTokens, config.JointAttentionDim);
        var pooled = FluxTransformer.Pooled(text, null);
        var timestep = tensor(new[] { 0.8125f, 0.3f });
        Tensor? guidance = config.GuidanceEmbeds ? tensor(new[] { 3.5f, 1.0f }) : null;
        // The same captions padded by `pad` garbage rows, masked: must give the unpadded output.
        var padded = cat([text, randn(batch, pad, config.JointAttentionDim)], dim: 1);
        var mask = cat([ones(batch, textTokens), zeros(batch, pad)], dim: 1);
        var packed = FluxPacking.Pack(image);

        var tensors = new Dictionary<string, Tensor>
        {
            ["image"] = image,                             // [B, C, H, W], the trainer's layout
            ["hidden_states"] = packed,                    // [B, N, 4C], this trainer's packing
            ["encoder_hidden_states"] = text,              // [B, M, 384]
            ["pooled_projections"] = pooled,               // [B, 384], the mean of the states
            ["timestep"] = timestep,                       // [B], σ
            ["encoder_hidden_states_padded"] = padded,     // [B, M+3, 384]
            ["encoder_attention_mask"] = mask,             // [B, M+3]
        };
        using (no_grad())
        {
            tensors["output"] = model.Forward(packed, text, pooled, timestep, guidance, gh, gw);
            tensors["output_padded"] = model.Forward(packed, padded, pooled, timestep, guidance, gh, gw, mask);
            if (guidance is null)
                tensors["velocity"] = model.Velocity(image, timestep, padded, mask); // [B, C, H, W], pooled from the mask
            else
                tensors["guidance"] = guidance;
        }
        DiffusersExport.Write(dir, model);
        Safetensors.SaveStateDict(Path.Combine(dir, "fixture.safetensors"), tensors);
        var o = tensors["output"];
        Console.WriteLine($"{dir}: {model.parameters().Sum(p => p.numel())} parameters, output mean {o.mean().item<float>():F6} std {o.std().item<float>():F6}");
    }
}
