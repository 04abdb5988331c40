"""AutoencoderKL goldens: a tiny random diffusers v0.32.2 AutoencoderKL, saved whole with
save_pretrained (config.json + diffusion_pytorch_model.safetensors), and io.safetensors
holding latents and vae.decode(latents).sample. Only the decoder matters to Jano.
Output: Jano.Tests/Fixtures/golden/vae/<case>/
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import os
import shutil

import torch

from diffusers import AutoencoderKL

from common import FIXTURES, check_shim_attention, randn, script_name, to_json, write

BASE = dict(
    in_channels=3, out_channels=3,
    down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
    up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
    block_out_channels=[4, 8], layers_per_block=1, act_fn="silu",
    latent_channels=4, norm_num_groups=2, sample_size=32,
)

CASES = {
    "sd_like": ("SD-1.x-like AutoencoderKL, tiny: 4 latent channels, quant convs, scaling 0.18215",
                dict(BASE, scaling_factor=0.18215)),
    "sd3_like": ("SD3-like AutoencoderKL, tiny: 16 latent channels, no quant convs, scaling 1.5305, shift 0.0609",
                 dict(BASE, latent_channels=16, scaling_factor=1.5305, shift_factor=0.0609,
                      use_quant_conv=False, use_post_quant_conv=False)),
}


def build(config, seed):
    torch.manual_seed(seed)
    vae = AutoencoderKL(**config)
    # Default init for convs/linears; GroupNorm affine moved off 1/0 so a swapped or
    # dropped norm parameter shows in the output.
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, mod in vae.named_modules():
            if isinstance(mod, torch.nn.GroupNorm) and mod.affine:
                mod.weight.copy_(1.0 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))
    return vae.eval()


def main():
    print("vae:")
    for k, (case, (description, config)) in enumerate(CASES.items()):
        out = os.path.join(FIXTURES, "vae", case)
        shutil.rmtree(out, ignore_errors=True)
        vae = build(config, seed=1000 + k)
        latents = randn(10 + 2 * k, (1, config["latent_channels"], 6, 8))      # non-square on purpose
        latents_b = randn(11 + 2 * k, (1, config["latent_channels"], 8, 8))
        with torch.no_grad():
            decoded = vae.decode(latents).sample
            decoded_b = vae.decode(latents_b).sample
        procs, err = check_shim_attention(vae, lambda: vae.decode(latents).sample)
        vae.save_pretrained(out)  # safetensors through the shim
        # the saved files must give the same decode when diffusers loads them again
        again = AutoencoderKL.from_pretrained(out, low_cpu_mem_usage=False).eval()
        with torch.no_grad():
            if not torch.equal(again.decode(latents).sample, decoded):
                raise SystemExit(f"{case}: reloaded model decodes differently")
        write(os.path.join(out, "io.safetensors"),
              {"latents": latents, "decoded": decoded, "latents_b": latents_b, "decoded_b": decoded_b},
              {"script": script_name(__file__), "description": description, "class_name": "AutoencoderKL",
               "config": to_json(dict(vae.config)),
               "call": "decoded = vae.decode(latents).sample (raw: decode applies neither scaling_factor nor "
                       "shift_factor; a pipeline passes latents / scaling_factor + shift_factor)",
               "seeds": f"torch.manual_seed({1000 + k}) before construction; GroupNorm weight = 1 + 0.1*randn, "
                        f"bias = 0.1*randn from generator seed {1001 + k}; latents randn seed {10 + 2 * k}, "
                        f"latents_b randn seed {11 + 2 * k}",
               "weights": "diffusion_pytorch_model.safetensors beside this file (save_pretrained)",
               "attention_processor": ",".join(procs)})
        n = sum(p.numel() for p in vae.parameters())
        nd = sum(p.numel() for name, p in vae.named_parameters() if name.startswith(("decoder.", "post_quant_conv.")))
        print(f"  {case}: {n} parameters ({nd} in decoder/post_quant_conv); decoded {list(decoded.shape)} "
              f"rms {decoded.pow(2).mean().sqrt():.4f}, decoded_b {list(decoded_b.shape)} rms {decoded_b.pow(2).mean().sqrt():.4f}; "
              f"attention {procs}, shim SDPA vs AttnProcessor max diff {err:.2e}")


if __name__ == "__main__":
    main()
