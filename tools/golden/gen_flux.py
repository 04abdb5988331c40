"""FLUX goldens: tiny random diffusers v0.32.2 FluxTransformer2DModel forwards (a FLUX.1-dev-like
config with guidance_embeds, a FLUX.1-schnell-like one without), the RoPE tables FluxPosEmbed makes
for the ids, and FlowMatchEulerDiscreteScheduler timesteps/sigmas with FluxPipeline's dynamic
shifting (mu = calculate_shift(image_seq_len) from the scheduler config).

Output: Jano.Tests/Fixtures/golden/flux/
  <case>/config.json + diffusion_pytorch_model.safetensors (save_pretrained),
  <case>/io.safetensors (8x8 latents, 4x4 packed grid) and io_nonsquare.safetensors (8x12, 4x6):
    latents [B, C, H, W] and hidden_states = FluxPipeline._pack_latents(latents) [B, S, 4C],
    encoder_hidden_states, pooled_projections, timestep (sigma in [0, 1], as FluxPipeline passes
    t / 1000), guidance (dev only), img_ids (_prepare_latent_image_ids), txt_ids (zeros),
    rope_cos / rope_sin (model.pos_embed(cat(txt_ids, img_ids))), output [B, S, 4C]
  rope.safetensors: FluxPosEmbed(10000, FLUX.1's axes (16, 56, 56)) for pipeline ids (3 text
    tokens + a 4x6 grid) and for arbitrary integer ids in all three axes
  scheduler_<case>.safetensors: timesteps [S], sigmas [S+1] (F64), mu
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import os
import shutil

import numpy as np
import torch

from diffusers import FlowMatchEulerDiscreteScheduler, FluxTransformer2DModel
from diffusers.models.embeddings import FluxPosEmbed

from common import FIXTURES, check_every_parameter_matters, check_shim_sdpa_against_einsum, randn, script_name, to_json, write
from flux_upstream import COMPILER_STAND_IN, MIXINS, STAND_IN, calculate_shift, image_ids, pack
from flux_upstream import pipeline_flux

OUT = os.path.join(FIXTURES, "flux")
# Tiny: 2 heads of 16 (axes 4 + 6 + 6 = 16), 2 double + 2 single blocks, 2 latent channels packed
# to 8; joint_attention_dim and pooled_projection_dim differ from the width so a swapped
# projection cannot pass.
BASE = dict(patch_size=1, in_channels=8, out_channels=None, num_layers=2, num_single_layers=2,
            attention_head_dim=16, num_attention_heads=2, joint_attention_dim=12,
            pooled_projection_dim=10, axes_dims_rope=(4, 6, 6))
CASES = {
    # name: (description, config, seed, guidance per batch row)
    "dev": ("FLUX.1-dev-like transformer (guidance_embeds true), tiny random", dict(BASE, guidance_embeds=True), 6000, [3.5, 1.0]),
    "schnell": ("FLUX.1-schnell-like transformer (no guidance embedder), tiny random", dict(BASE, guidance_embeds=False), 6100, None),
}
LAT_C, TEXT_LEN, BATCH = 2, 6, 2
# black-forest-labs/FLUX.1-dev and FLUX.1-schnell scheduler_config.json (beyond the v0.32.2 defaults).
SCHEDULERS = {
    "dev": dict(shift=3.0, use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15,
                base_image_seq_len=256, max_image_seq_len=4096),
    "schnell": dict(shift=1.0, use_dynamic_shifting=False, base_shift=0.5, max_shift=1.15,
                    base_image_seq_len=256, max_image_seq_len=4096),
}


def build(config, seed):
    """Every parameter drawn afresh, in sorted-name order (as gen_sd3.py): weight matrices
    randn / sqrt(fan_in), qk RMS-norm weights 1 + 0.1 randn, biases randn * 0.05."""
    model = FluxTransformer2DModel(**config).eval()
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


def inputs(config, guidance, height, width, seed):
    latents = randn(seed, (BATCH, LAT_C, height, width))
    io = {
        "latents": latents,
        "hidden_states": pack(latents),
        "encoder_hidden_states": randn(seed + 1, (BATCH, TEXT_LEN, config["joint_attention_dim"])),
        "pooled_projections": randn(seed + 2, (BATCH, config["pooled_projection_dim"])),
        "timestep": torch.tensor([0.75, 0.3125]),
        "img_ids": image_ids(height, width),
        "txt_ids": torch.zeros(TEXT_LEN, 3),
    }
    if guidance is not None:
        io["guidance"] = torch.tensor(guidance)
    return io


def forward(model, io):
    return model(hidden_states=io["hidden_states"], encoder_hidden_states=io["encoder_hidden_states"],
                 pooled_projections=io["pooled_projections"], timestep=io["timestep"],
                 img_ids=io["img_ids"], txt_ids=io["txt_ids"], guidance=io.get("guidance"),
                 return_dict=True).sample


def rope(model, io):
    cos, sin = model.pos_embed(torch.cat([io["txt_ids"], io["img_ids"]], dim=0))
    return {"rope_cos": cos, "rope_sin": sin}






CALL = ("output = model(hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids"
        "[, guidance]).sample; hidden_states = FluxPipeline._pack_latents(latents); "
        "rope_cos, rope_sin = model.pos_embed(cat(txt_ids, img_ids))")


def transformers():
    for case, (description, config, seed, guidance) in CASES.items():
        out = os.path.join(OUT, case)
        shutil.rmtree(out, ignore_errors=True)
        model = build(config, seed)
        io = inputs(config, guidance, 8, 8, seed + 10)
        with torch.no_grad():
            output = forward(model, io)
            tables = rope(model, io)
        err = check_shim_sdpa_against_einsum(lambda: forward(model, io), output)
        procs = sorted({type(p).__name__ for p in model.attn_processors.values()})
        check_every_parameter_matters(model, lambda: forward(model, io), case)
        model.save_pretrained(out)
        again = FluxTransformer2DModel.from_pretrained(out, low_cpu_mem_usage=False).eval()
        with torch.no_grad():
            if not torch.equal(forward(again, io), output):
                raise SystemExit(f"{case}: reloaded model gives a different output")
        cfg_json = to_json(dict(model.config))
        seeds = (f"parameters: weights randn/sqrt(fan_in), norm weights 1+0.1*randn, biases randn*0.05, in "
                 f"sorted-name order from generator seed {seed}; latents randn seed {seed + 10}, "
                 f"encoder_hidden_states seed {seed + 11}, pooled_projections seed {seed + 12}")
        meta = {"script": script_name(__file__), "class_name": "FluxTransformer2DModel", "config": cfg_json,
                "call": CALL, "weights": "diffusion_pytorch_model.safetensors beside this file (save_pretrained)",
                "seeds": seeds, "attention_processor": ",".join(procs),
                "shim_sdpa_vs_float64_einsum_max_abs_diff": repr(err)}
        write(os.path.join(out, "io.safetensors"), dict(io, output=output, **tables),
              dict(meta, description=f"{description}; 8x8 latents of 2 channels packed to a 4x4 grid of 8"))
        print(f"  {case}: {sum(p.numel() for p in model.parameters())} parameters, output {list(output.shape)} "
              f"rms {output.pow(2).mean().sqrt():.4f}; attention {procs}, shim SDPA vs einsum {err:.2e}")
        io_ns = inputs(config, guidance, 8, 12, seed + 20)
        with torch.no_grad():
            out_ns = forward(model, io_ns)
            tables_ns = rope(model, io_ns)
        write(os.path.join(out, "io_nonsquare.safetensors"), dict(io_ns, output=out_ns, **tables_ns),
              dict(meta, description=f"{description}; the same weights on 8x12 latents (a 4x6 packed grid: ids (0, row, col))",
                   seeds=f"the {case} weights; inputs randn seeds {seed + 20}.."))
        print(f"  {case} nonsquare: output {list(out_ns.shape)} rms {out_ns.pow(2).mean().sqrt():.4f}")


def rope_tables():
    """FLUX.1's own RoPE (theta 10000, axes (16, 56, 56)) for pipeline ids and for arbitrary ids."""
    axes = (16, 56, 56)
    embed = FluxPosEmbed(theta=10000, axes_dim=list(axes))
    pipe_ids = torch.cat([torch.zeros(3, 3), image_ids(8, 12)], dim=0)
    g = torch.Generator().manual_seed(6200)
    any_ids = torch.randint(0, 64, (10, 3), generator=g).float()
    cos, sin = embed(pipe_ids)
    cos2, sin2 = embed(any_ids)
    write(os.path.join(OUT, "rope.safetensors"),
          {"ids": pipe_ids, "cos": cos, "sin": sin, "ids_any": any_ids, "cos_any": cos2, "sin_any": sin2},
          {"script": script_name(__file__), "class_name": "FluxPosEmbed",
           "config": to_json({"theta": 10000, "axes_dim": list(axes)}),
           "description": "FluxPosEmbed(theta=10000, axes_dim=(16, 56, 56)) (FLUX.1): `ids` = 3 text tokens (zeros) + "
                          "_prepare_latent_image_ids of a 4x6 grid; `ids_any` = integer ids 0..63 in all three axes (seed 6200)",
           "call": "cos, sin = FluxPosEmbed(10000, axes)(ids): per axis i, freqs theta^(-2k/d_i) in float64, "
                   "cos/sin repeat_interleave(2), axes concatenated, float32"})
    print(f"  rope: axes {axes}, {pipe_ids.shape[0]} + {any_ids.shape[0]} ids")


def schedulers():
    """FluxPipeline's timesteps: sigmas = linspace(1, 1/S, S), mu = calculate_shift(image_seq_len,
    base/max seq len, base/max shift of the scheduler config), scheduler.set_timesteps(sigmas=, mu=)
    through the pipeline's own retrieve_timesteps."""
    cases = [("dev_seq256", "dev", 256, 8), ("dev_seq4096", "dev", 4096, 8), ("dev_seq1024_28", "dev", 1024, 28),
             ("schnell_seq4096", "schnell", 4096, 4)]
    for name, kind, seq, steps in cases:
        sched = FlowMatchEulerDiscreteScheduler(**SCHEDULERS[kind])
        c = sched.config
        sigmas = np.linspace(1.0, 1 / steps, steps)
        mu = calculate_shift(seq, c.base_image_seq_len, c.max_image_seq_len, c.base_shift, c.max_shift)
        timesteps, n = pipeline_flux.retrieve_timesteps(sched, steps, "cpu", sigmas=sigmas, mu=mu)
        assert n == steps
        write(os.path.join(OUT, f"scheduler_{name}.safetensors"),
              {"timesteps": timesteps.to(torch.float64), "sigmas": sched.sigmas.to(torch.float64),
               "mu": torch.tensor([mu], dtype=torch.float64)},
              {"script": script_name(__file__), "class_name": "FlowMatchEulerDiscreteScheduler",
               "config": to_json(dict(sched.config)), "image_seq_len": str(seq), "num_inference_steps": str(steps),
               "timesteps_dtype": str(timesteps.dtype),
               "description": f"FluxPipeline timesteps for a FLUX.1-{kind} scheduler config, image_seq_len {seq}, {steps} steps: "
                              "sigmas = linspace(1, 1/S, S), mu = calculate_shift(image_seq_len, base_image_seq_len, "
                              "max_image_seq_len, base_shift, max_shift)"
                              + (", shifted exp(mu)/(exp(mu)+(1/s-1)) (use_dynamic_shifting)" if c.use_dynamic_shifting
                                 else f", static shift {c.shift} (mu unused)")})
        print(f"  scheduler {name}: mu {mu:.6f}, timesteps {[round(t, 3) for t in timesteps.tolist()[:4]]}...")


def main():
    print(f"flux: (stand-ins: transformers {STAND_IN}, loader mixins {MIXINS}, torch.compiler.disable {COMPILER_STAND_IN})")
    os.makedirs(OUT, exist_ok=True)
    transformers()
    rope_tables()
    schedulers()


if __name__ == "__main__":
    main()
