using System.Globalization;
using Jano.Core.IO;
using Jano.Runtime;
using Jano.Runtime.Engine;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Sampling;

namespace Jano.Bench;

/// <summary>
/// Test support, not part of the shipped CLI: what a generation from a package feeds its denoising loop,
/// for a reference implementation to start from (tools/golden/gen_init_random_pipeline.py). Writes
/// <c>prompt_embeds</c> [1, L, D] and <c>prompt_attention_mask</c> [1, L] (the package's T5 states of the
/// prompt's real tokens, as <see cref="TextToImagePipeline.EncodePrompt"/> gives them: mask all ones), the
/// same for the negative prompt, and <c>latents</c> [1, C, h, w]: the seeded initial noise
/// (<see cref="GaussianNoise.Fill"/> over C·h·w values, unscaled: the caller checks init_noise_sigma is 1).
/// </summary>
public static class GoldenInputs
{
    public static int Run(string package, string prompt, string negativePrompt, long seed, int width, int height, string output, TextWriter log)
    {
        using var pipeline = TextToImagePipeline.Open(package, new RuntimeOptions { Threads = 1 });
        var request = new GenerationRequest { Prompt = prompt, Seed = seed, Width = width, Height = height, ResolutionBinning = false };
        var g = pipeline.GeometryFor(request);
        var cond = pipeline.EncodePrompt(prompt);
        var uncond = pipeline.EncodePrompt(negativePrompt);
        var latents = new float[g.LatentValues];
        GaussianNoise.Fill(latents, seed);
        var tensors = new List<SafetensorsTensor>();
        void Caption(string name, CaptionInput c)
        {
            var d = c.States.Length / c.Tokens;
            tensors.Add(SafetensorsTensor.FromFloat32($"{name}_embeds", [1, c.Tokens, d], c.States));
            tensors.Add(SafetensorsTensor.FromFloat32($"{name}_attention_mask", [1, c.Tokens], Enumerable.Repeat(1f, c.Tokens).ToArray()));
        }
        Caption("prompt", cond);
        Caption("negative_prompt", uncond);
        tensors.Add(SafetensorsTensor.FromFloat32("latents", [1, g.Channels, g.Height, g.Width], latents));
        var inv = CultureInfo.InvariantCulture;
        SafetensorsWriter.Write(output, tensors, new Dictionary<string, string>
        {
            ["prompt"] = prompt, ["negative_prompt"] = negativePrompt, ["seed"] = seed.ToString(inv),
            ["width"] = width.ToString(inv), ["height"] = height.ToString(inv),
            ["latent_height"] = g.Height.ToString(inv), ["latent_width"] = g.Width.ToString(inv),
            ["init_noise_sigma"] = pipeline.Scheduler.InitNoiseSigma.ToString("R", inv),
            ["default_guidance"] = pipeline.Package.Manifest.Defaults.Guidance.ToString("R", inv),
        });
        log.WriteLine($"golden-inputs: prompt {cond.Tokens} tokens, negative {uncond.Tokens} tokens, latents [1, {g.Channels}, {g.Height}, {g.Width}] -> {output}");
        return 0;
    }
}
