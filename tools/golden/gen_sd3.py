"""SD3 transformer goldens: a tiny random diffusers v0.32.2 SD3Transformer2DModel per case,
saved whole with save_pretrained, and io*.safetensors with inputs and `.sample`.
Output: Jano.Tests/Fixtures/golden/sd3/<case>/
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import os
import shutil

import torch

from diffusers import SD3Transformer2DModel

from common import FIXTURES, check_every_parameter_matters, check_shim_sdpa_against_einsum, randn, script_name, to_json, write

# caption_projection_dim must equal inner_dim (heads x head dim = 16): the context stream
# shares the joint attention's width.
BASE = dict(
    sample_size=8, patch_size=2, in_channels=4, num_layers=2, attention_head_dim=8,
    num_attention_heads=2, joint_attention_dim=12, caption_projection_dim=16,
    pooled_projection_dim=10, out_channels=4, pos_embed_max_size=16,
)
# SD3.5-like: RMS norm on the per-head queries and keys of both streams.
SD35 = dict(BASE, qk_norm="rms_norm")
# SD3.5-medium-like MMDiT-X: qk rms_norm and the second, image-only attention (attn2) in layers
# 0, 1 and 3 of 4: two dual layers in a row, a plain joint layer between, and a dual
# context_pre_only last layer (diffusers allows it; SD3.5 medium's own list is 0..12 of 24).
SD35_DUAL = dict(SD35, num_layers=4, dual_attention_layers=[0, 1, 3])

TEXT_LEN, BATCH = 6, 2


def build(config, seed):
    """Every parameter drawn afresh from one generator, in sorted-name order: weight
    matrices / conv kernels randn / sqrt(fan_in) (attention scores far from uniform),
    norm weights (qk RMS norms) 1 + 0.1 randn, other 1-D parameters (biases) randn * 0.05.
    Nothing stays zero-initialised. The cropped sin-cos table `pos_embed.pos_embed` is a
    persistent buffer (saved in the checkpoint, as in real SD3 checkpoints), left as
    diffusers computes it."""
    model = SD3Transformer2DModel(**config).eval()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if p.dim() >= 2:
                p.copy_(p[0].numel() ** -0.5 * torch.randn(p.shape, generator=g))
            elif ".norm_" in name:
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.05 * torch.randn(p.shape, generator=g))
    return model


def inputs(config, height, width, seed):
    return {
        "hidden_states": randn(seed, (BATCH, config["in_channels"], height, width)),
        "encoder_hidden_states": randn(seed + 1, (BATCH, TEXT_LEN, config["joint_attention_dim"])),
        "pooled_projections": randn(seed + 2, (BATCH, config["pooled_projection_dim"])),
        "timestep": torch.tensor([700.0, 300.0]),
    }


def forward(model, io):
    return model(hidden_states=io["hidden_states"], encoder_hidden_states=io["encoder_hidden_states"],
                 pooled_projections=io["pooled_projections"], timestep=io["timestep"],
                 return_dict=True).sample


def dead_by_design(name, last):
    """Parameters that cannot reach the output: the last block is context_pre_only, so its
    context queries (add_q_proj, and their RMS norm) feed attention rows whose output is
    dropped."""
    pre = f"transformer_blocks.{last}.attn."
    return name.startswith(pre + "add_q_proj") or name.startswith(pre + "norm_added_q")






def save_io(out, fname, io, output, description, config_used, extra):
    meta = {"script": script_name(__file__), "description": description,
            "class_name": "SD3Transformer2DModel", "config": config_used,
            "call": "output = model(hidden_states, encoder_hidden_states, pooled_projections, timestep).sample",
            "weights": "diffusion_pytorch_model.safetensors beside this file (save_pretrained)"}
    meta.update(extra)
    write(os.path.join(out, fname), dict(io, output=output), meta)


def main():
    print("sd3:")
    for case, config, seed in [("base", BASE, 3000), ("sd35", SD35, 3100), ("sd35_dual", SD35_DUAL, 3200)]:
        out = os.path.join(FIXTURES, "sd3", case)
        shutil.rmtree(out, ignore_errors=True)
        model = build(config, seed)
        last = config["num_layers"] - 1
        io = inputs(config, 8, 8, seed + 10)
        with torch.no_grad():
            output = forward(model, io)
        err = check_shim_sdpa_against_einsum(lambda: forward(model, io), output)
        procs = sorted({type(p).__name__ for p in model.attn_processors.values()})
        check_every_parameter_matters(model, lambda: forward(model, io), case, lambda pname: dead_by_design(pname, last))
        model.save_pretrained(out)
        again = SD3Transformer2DModel.from_pretrained(out, low_cpu_mem_usage=False).eval()
        with torch.no_grad():
            if not torch.equal(forward(again, io), output):
                raise SystemExit(f"{case}: reloaded model gives a different output")
        cfg_json = to_json(dict(model.config))
        seeds = (f"parameters: weights randn/sqrt(fan_in), norm weights 1+0.1*randn, biases randn*0.05, in "
                 f"sorted-name order from generator seed {seed}; hidden_states randn seed {seed + 10}, "
                 f"encoder_hidden_states seed {seed + 11}, pooled_projections seed {seed + 12}")
        common_meta = {"seeds": seeds, "attention_processor": ",".join(procs),
                       "shim_sdpa_vs_float64_einsum_max_abs_diff": repr(err)}
        desc = {"base": "SD3-like transformer, tiny (2 heads of 8, 2 joint blocks, the last context_pre_only), 8x8 latents",
                "sd35": "SD3.5-like transformer: the base config with qk_norm rms_norm, 8x8 latents",
                "sd35_dual": "SD3.5-medium-like MMDiT-X transformer: qk_norm rms_norm, 4 joint blocks, dual attention "
                             "(SD35AdaLayerNormZeroX + image-only attn2) in layers 0, 1 and 3 (the last, context_pre_only), "
                             "8x8 latents"}[case]
        save_io(out, "io.safetensors", io, output, desc, cfg_json, common_meta)
        print(f"  {case}: {sum(p.numel() for p in model.parameters())} parameters, output {list(output.shape)} "
              f"rms {output.pow(2).mean().sqrt():.4f}; attention {procs}, shim SDPA vs einsum {err:.2e}")
        if case == "base":
            # non-square latents through the same weights: the table is cropped 4x6 from the
            # centre of the 16x16 one (top 6, left 5)
            io_ns = inputs(config, 8, 12, seed + 20)
            with torch.no_grad():
                out_ns = forward(model, io_ns)
            save_io(out, "io_nonsquare.safetensors", io_ns, out_ns,
                    "case nonsquare: the base model on 8x12 latents (position table cropped 4x6 at the centre)",
                    cfg_json, dict(common_meta, seeds=f"the base weights; inputs randn seeds {seed + 20}.."))
            print(f"  nonsquare: output {list(out_ns.shape)} rms {out_ns.pow(2).mean().sqrt():.4f}")


if __name__ == "__main__":
    main()
