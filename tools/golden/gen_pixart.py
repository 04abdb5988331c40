"""PixArt transformer goldens: a tiny random diffusers v0.32.2 PixArtTransformer2DModel per
case, saved whole with save_pretrained, and io*.safetensors with inputs and `.sample`.
Output: Jano.Tests/Fixtures/golden/pixart/<case>/
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import os
import shutil

import torch

from diffusers import PixArtTransformer2DModel

from common import FIXTURES, check_shim_attention, randn, script_name, to_json, write

BASE = dict(
    sample_size=8, patch_size=2, in_channels=4, out_channels=8, num_layers=2,
    num_attention_heads=2, attention_head_dim=8, cross_attention_dim=16, caption_channels=12,
    norm_type="ada_norm_single", norm_elementwise_affine=False, norm_eps=1e-6, attention_bias=True,
    activation_fn="gelu-approximate", num_embeds_ada_norm=1000, dropout=0.0, upcast_attention=False,
    use_additional_conditions=False,
)
# Micro-conditions split the adaLN embedding in three (resolution h, w, aspect ratio: each
# inner_dim // 3 wide, and they must add up to inner_dim), so inner_dim must be a multiple
# of 3: 2 heads of 6 (12) instead of 2 of 8 (3 heads of 8 would do too, at twice the bytes).
MICRO = dict(BASE, attention_head_dim=6, cross_attention_dim=12, use_additional_conditions=True)

TEXT_LEN, BATCH = 5, 2


def build(config, seed):
    """Every parameter drawn afresh from one generator, in sorted-name order:
    weight matrices / conv kernels randn / sqrt(fan_in) (activations stay O(1) and the
    attention scores are far from uniform: at a flat randn*0.05 the softmax is nearly
    uniform and the Q/K weights hardly move the output), the adaLN scale-shift tables
    randn / sqrt(inner_dim) (diffusers' own init for the final one), biases randn * 0.05.
    Nothing stays zero-initialised. There are no norm parameters (norm_elementwise_affine
    false; norm_out has none). The sincos position table is a non-persistent buffer, left
    as computed."""
    model = PixArtTransformer2DModel(**config).eval()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("scale_shift_table"):
                std = p.shape[-1] ** -0.5
            elif p.dim() >= 2:
                std = p[0].numel() ** -0.5
            else:
                std = 0.05
            p.copy_(std * torch.randn(p.shape, generator=g))
    return model


def inputs(config, height, width, seed):
    hidden = randn(seed, (BATCH, config["in_channels"], height, width))
    text = randn(seed + 1, (BATCH, TEXT_LEN, config["caption_channels"]))
    mask = torch.ones(BATCH, TEXT_LEN)
    mask[1, -2:] = 0.0  # second item: last two tokens are padding
    t = torch.tensor([700.0, 300.0])
    return {"hidden_states": hidden, "timestep": t, "encoder_hidden_states": text, "encoder_attention_mask": mask}


def forward(model, io, added=None):
    return model(hidden_states=io["hidden_states"], timestep=io["timestep"],
                 encoder_hidden_states=io["encoder_hidden_states"],
                 encoder_attention_mask=io["encoder_attention_mask"],
                 added_cond_kwargs=added, return_dict=True).sample


def check_every_parameter_matters(model, run, name):
    """Each parameter tensor, nudged by 0.1*randn, must move the output by more than 1e-4
    (no dead weights in the fixture). Exempt: attention key biases, which cannot matter:
    q.(k + b) adds the same q.b to every score of a query row, and softmax ignores that."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        ref = run()
        dead = []
        for pname, p in model.named_parameters():
            if pname.endswith(".to_k.bias"):
                continue
            keep = p.clone()
            p.add_(0.1 * torch.randn(p.shape, generator=g))
            if (run() - ref).abs().max().item() <= 1e-4:
                dead.append(pname)
            p.copy_(keep)
    if dead:
        raise SystemExit(f"{name}: parameters without effect on the output: {dead}")


def check_mask_hides_padding(model, io, added, output, name):
    """Changing the masked caption tokens of item 1 must leave its output unchanged, and
    changing a kept token must not (so the mask is applied, and applied to the right keys)."""
    with torch.no_grad():
        io2 = dict(io, encoder_hidden_states=io["encoder_hidden_states"].clone())
        io2["encoder_hidden_states"][1, -2:] += 5.0
        moved = (forward(model, io2, added)[1] - output[1]).abs().max().item()
        io3 = dict(io, encoder_hidden_states=io["encoder_hidden_states"].clone())
        io3["encoder_hidden_states"][1, 0] += 5.0
        kept = (forward(model, io3, added)[1] - output[1]).abs().max().item()
    if moved > 1e-6 or kept < 1e-3:
        raise SystemExit(f"{name}: mask check failed (padding moved output by {moved}, kept token by {kept})")


def save_io(out, fname, io, output, description, config_used, extra):
    meta = {"script": script_name(__file__), "description": description,
            "class_name": "PixArtTransformer2DModel", "config": config_used,
            "call": "output = model(hidden_states, timestep, encoder_hidden_states, encoder_attention_mask"
                    + (", added_cond_kwargs={'resolution', 'aspect_ratio'}" if "resolution" in io else "")
                    + ").sample  (encoder_attention_mask 1 = keep, 0 = padding; diffusers turns it into a "
                      "-10000 bias on the cross-attention scores)",
            "weights": "diffusion_pytorch_model.safetensors beside this file (save_pretrained)"}
    meta.update(extra)
    write(os.path.join(out, fname), dict(io, output=output), meta)


def main():
    print("pixart:")
    cases = [
        ("base", BASE, 2000, None),
        ("micro", MICRO, 2100, {
            # as PixArtAlphaPipeline builds them: resolution (height, width) in pixels,
            # aspect_ratio height / width, each [batch, .]; two different items here
            "resolution": torch.tensor([[1024.0, 1024.0], [768.0, 1344.0]]),
            "aspect_ratio": torch.tensor([[1.0], [768.0 / 1344.0]]),
        }),
    ]
    for case, config, seed, added in cases:
        out = os.path.join(FIXTURES, "pixart", case)
        shutil.rmtree(out, ignore_errors=True)
        model = build(config, seed)
        io = inputs(config, 8, 8, seed + 10)
        with torch.no_grad():
            output = forward(model, io, added)
        procs, err = check_shim_attention(model, lambda: forward(model, io, added))
        check_every_parameter_matters(model, lambda: forward(model, io, added), case)
        check_mask_hides_padding(model, io, added, output, case)
        model.save_pretrained(out)
        again = PixArtTransformer2DModel.from_pretrained(out, low_cpu_mem_usage=False).eval()
        with torch.no_grad():
            if not torch.equal(forward(again, io, added), output):
                raise SystemExit(f"{case}: reloaded model gives a different output")
        cfg_json = to_json(dict(model.config))
        seeds = (f"parameters: weights randn/sqrt(fan_in), scale_shift_table randn/sqrt(dim), biases randn*0.05, "
                 f"in sorted-name order from generator seed {seed}; hidden_states randn "
                 f"seed {seed + 10}, encoder_hidden_states randn seed {seed + 11}")
        common_meta = {"seeds": seeds, "attention_processor": ",".join(procs),
                       "shim_sdpa_vs_attnprocessor_max_abs_diff": repr(err)}
        if added:
            io_saved = dict(io, **added)
            desc = "PixArt-alpha-like transformer, tiny, micro-conditions on (2 heads of 6, 2 layers), 8x8 latents"
        else:
            io_saved = io
            desc = "PixArt-alpha-like transformer, tiny (2 heads of 8, 2 layers), 8x8 latents"
        save_io(out, "io.safetensors", io_saved, output, desc, cfg_json, common_meta)
        print(f"  {case}: {sum(p.numel() for p in model.parameters())} parameters, output {list(output.shape)} "
              f"rms {output.pow(2).mean().sqrt():.4f}; attention {procs}, shim SDPA vs AttnProcessor {err:.2e}")

        if case == "base":
            # non-square latents through the same weights: PatchEmbed recomputes the sincos
            # table for the 4x6 patch grid (base_size = sample_size // patch_size = 4,
            # interpolation_scale = 1)
            io_ns = inputs(config, 8, 12, seed + 20)
            with torch.no_grad():
                out_ns = forward(model, io_ns)
            check_shim_attention(model, lambda: forward(model, io_ns))
            save_io(out, "io_nonsquare.safetensors", io_ns, out_ns,
                    "case nonsquare: the base model on 8x12 latents (position table recomputed for 4x6 patches)",
                    cfg_json, dict(common_meta, seeds=seeds.replace(f"seed {seed + 10}", f"seed {seed + 20}")
                                   .replace(f"seed {seed + 11}", f"seed {seed + 21}")))
            print(f"  nonsquare: output {list(out_ns.shape)} rms {out_ns.pow(2).mean().sqrt():.4f}")


if __name__ == "__main__":
    main()
