"""Whole-pipeline goldens: diffusers v0.32.2's PixArtAlphaPipeline run end to end on tiny
random components (transformer as gen_pixart.py builds it, VAE as gen_vae.py's `sd_like`,
DPM-Solver++ with PixArt-alpha's config as gen_schedulers.py's `dpmsolver_pixart`), the
text encoder skipped by passing caption embeddings.

Output: Jano.Tests/Fixtures/golden/pipeline/<case>/ in diffusers' pipeline layout, written by
`pipeline.save_pretrained`: model_index.json, transformer/, vae/, scheduler/; plus
io.safetensors with the inputs, the timesteps, every step's noise prediction and latents,
the final latents and the image.

transformers is not installed (see README.md), and pipeline_pixart_alpha.py does
`from transformers import T5EncoderModel, T5Tokenizer` at import time, for type hints only.
After diffusers itself is imported (so its `is_transformers_available()` stays False and
nothing else reaches for transformers), a stand-in module `transformers` with two classes of
those names that refuse to be instantiated is put into sys.modules. The pipelines are built
with tokenizer=None, text_encoder=None (both are `_optional_components`; `register_modules`
records None as (None, None)) and called with prompt=None and the embeddings, so neither is
ever touched. torch 1.13 also lacks `torch.compiler`, whose `disable` decorates
`DiffusionPipeline.progress_bar`: an identity decorator stands in for it (both stand-ins live
here rather than in shim/ because only the pipelines need them).
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import importlib.util
import os
import shutil
import sys
import types

import torch

import diffusers  # (availability flags are computed here, before the stand-in)
from diffusers import AutoencoderKL, DPMSolverMultistepScheduler, PixArtTransformer2DModel

from common import FIXTURES, check_shim_attention, randn, script_name, to_json, write
from gen_pixart import BASE, MICRO, build as build_transformer, check_every_parameter_matters
from gen_schedulers import PIXART_DPM
from gen_vae import CASES as VAE_CASES, build as build_vae


def _install_transformers_stand_in():
    if "transformers" in sys.modules or importlib.util.find_spec("transformers") is not None:
        return False  # a real one: leave it alone (it is never called either way)
    mod = types.ModuleType("transformers")

    class _NeverBuilt:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("stand-in for transformers: the golden pipelines never build a text encoder")

    mod.T5EncoderModel = type("T5EncoderModel", (_NeverBuilt,), {})
    mod.T5Tokenizer = type("T5Tokenizer", (_NeverBuilt,), {})
    sys.modules["transformers"] = mod
    return True


def _install_torch_compiler_disable():
    """pipeline_utils.py decorates DiffusionPipeline.progress_bar with @torch.compiler.disable
    (torch >= 2.1); torch 1.13 has no torch.compiler: an identity decorator stands in (nothing
    is compiled here)."""
    if hasattr(torch, "compiler"):
        return False
    torch.compiler = types.SimpleNamespace(disable=lambda fn=None, recursive=True: fn if fn is not None else (lambda f: f))
    return True


diffusers.utils.logging.disable_progress_bar()  # from_pretrained's "Loading pipeline components"
STAND_IN = _install_transformers_stand_in()
COMPILER_STAND_IN = _install_torch_compiler_disable()
from diffusers.pipelines.pixart_alpha.pipeline_pixart_alpha import PixArtAlphaPipeline  # noqa: E402
from diffusers.pipelines.pixart_alpha.pipeline_pixart_sigma import PixArtSigmaPipeline  # noqa: E402

TEXT_LEN = 8            # caption tokens
KEPT = 5                # prompt: first 5 tokens real, last 3 padding
LAT_H, LAT_W = 8, 12    # latents (non-square, divisible by the patch size 2)
STEPS, GUIDANCE = 4, 4.5
VAE_CASE = "sd_like"

CASES = {
    # name: (description, transformer config, transformer seed, input seed)
    "pixart_alpha": (
        "PixArtAlphaPipeline, tiny random components, 4 DPM-Solver++ steps, CFG 4.5, 8x12 latents -> 16x24 image",
        BASE, 2000, 3000),
    # sample_size 128 is what makes PixArtAlphaPipeline build micro-conditions (resolution =
    # (height, width) in pixels, aspect_ratio = height / width, repeated for both CFG halves):
    # the pipeline tests `transformer.config.sample_size == 128`, not use_additional_conditions.
    # It also gives PixArt-XL-2-1024-MS's position table: base_size 64, interpolation_scale
    # max(128 // 64, 1) = 2. PixArtSigmaPipeline never passes micro-conditions, the one
    # difference between the two loops that shows with given embeddings and steps > 1.
    "pixart_alpha_micro": (
        "PixArtAlphaPipeline, tiny, transformer sample_size 128 with micro-conditions (the pipeline passes "
        "resolution/aspect_ratio), 4 DPM-Solver++ steps, CFG 4.5, 8x12 latents -> 16x24 image",
        dict(MICRO, sample_size=128), 2100, 3100),
}


def make_inputs(config, seed):
    c = config["caption_channels"]
    mask = torch.zeros(1, TEXT_LEN)
    mask[0, :KEPT] = 1.0
    neg_mask = torch.zeros(1, TEXT_LEN)
    neg_mask[0, 0] = 1.0  # an empty negative prompt: T5's EOS only
    return {
        "prompt_embeds": randn(seed, (1, TEXT_LEN, c)),
        "prompt_attention_mask": mask,
        "negative_prompt_embeds": randn(seed + 1, (1, TEXT_LEN, c)),
        "negative_prompt_attention_mask": neg_mask,
        "latents": randn(seed + 2, (1, config["in_channels"], LAT_H, LAT_W)),
    }


def call_kwargs(pipe, io):
    s = pipe.vae_scale_factor
    return dict(
        prompt=None, negative_prompt=None,  # negative_prompt defaults to "", which check_inputs refuses beside embeddings
        prompt_embeds=io["prompt_embeds"], prompt_attention_mask=io["prompt_attention_mask"],
        negative_prompt_embeds=io["negative_prompt_embeds"],
        negative_prompt_attention_mask=io["negative_prompt_attention_mask"],
        latents=io["latents"], height=LAT_H * s, width=LAT_W * s,
        num_inference_steps=STEPS, guidance_scale=GUIDANCE, use_resolution_binning=False,
        output_type="pt", return_dict=False,
    )


def run(pipe, kwargs, record=False):
    """One pipeline call; with record, scheduler.step is wrapped to keep what the loop feeds it
    (noise_pred after guidance and the learned-sigma split) and returns (the next latents),
    and transformer.forward to keep what the transformer is given."""
    rec = {"noise_pred": [], "latents": [], "t": [], "transformer": []}
    if record:
        step, fwd = pipe.scheduler.step, pipe.transformer.forward

        def wrapped_step(model_output, timestep, sample, *a, **k):
            out = step(model_output, timestep, sample, *a, **k)
            rec["noise_pred"].append(model_output.clone())
            rec["latents"].append((out[0] if isinstance(out, tuple) else out.prev_sample).clone())
            rec["t"].append(timestep)
            return out

        def wrapped_forward(hidden_states, *a, **k):
            rec["transformer"].append({"hidden_states": hidden_states.clone(), **k})
            return fwd(hidden_states, *a, **k)

        pipe.scheduler.step, pipe.transformer.forward = wrapped_step, wrapped_forward
    try:
        with torch.no_grad():
            image = pipe(**kwargs)[0]
    finally:
        if record:
            del pipe.scheduler.step, pipe.transformer.forward
    return image, rec


def components(config, t_seed):
    transformer = build_transformer(config, t_seed)
    vae = build_vae(VAE_CASES[VAE_CASE][1], seed=1000 + list(VAE_CASES).index(VAE_CASE))
    scheduler = DPMSolverMultistepScheduler(**PIXART_DPM)
    return transformer, vae, scheduler


def pipeline(cls, transformer, vae, scheduler):
    pipe = cls(tokenizer=None, text_encoder=None, vae=vae, transformer=transformer, scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def check_masks(pipe, kwargs, ref_latents, name):
    """Padding tokens of the prompt and of the negative prompt must not move the result;
    a kept token of each must."""
    lat = dict(kwargs, output_type="latent")
    for key in ("prompt_embeds", "negative_prompt_embeds"):
        keep = int(kwargs[key.replace("embeds", "attention_mask")].sum().item())
        e = kwargs[key].clone()
        e[0, keep:] += 5.0
        moved = (run(pipe, dict(lat, **{key: e}))[0] - ref_latents).abs().max().item()
        e = kwargs[key].clone()
        e[0, keep - 1] += 5.0
        kept = (run(pipe, dict(lat, **{key: e}))[0] - ref_latents).abs().max().item()
        if moved > 1e-6 or kept < 1e-3:
            raise SystemExit(f"{name}: {key}: padding moved the latents by {moved}, a kept token by {kept}")


def main():
    print(f"pipeline: (stand-ins: transformers {STAND_IN}, torch.compiler.disable {COMPILER_STAND_IN})")
    for case, (description, t_config, t_seed, seed) in CASES.items():
        out = os.path.join(FIXTURES, "pipeline", case)
        shutil.rmtree(out, ignore_errors=True)
        transformer, vae, scheduler = components(t_config, t_seed)
        pipe = pipeline(PixArtAlphaPipeline, transformer, vae, scheduler)
        io = make_inputs(t_config, seed)
        kwargs = call_kwargs(pipe, io)

        image, rec = run(pipe, kwargs, record=True)
        image2, rec2 = run(pipe, kwargs, record=True)
        if not (torch.equal(image, image2) and all(torch.equal(a, b) for a, b in zip(rec["latents"], rec2["latents"]))):
            raise SystemExit(f"{case}: two runs differ")
        final = run(pipe, dict(kwargs, output_type="latent"))[0]
        if len(rec["noise_pred"]) != STEPS or not torch.equal(final, rec["latents"][-1]):
            raise SystemExit(f"{case}: output_type='latent' differs from the last step's latents")
        timesteps = pipe.scheduler.timesteps.clone()
        if not all(torch.equal(t, u) for t, u in zip(rec["t"], timesteps)):
            raise SystemExit(f"{case}: step timesteps differ from scheduler.timesteps")
        # the decode as the pipeline does it, by hand: vae.decode(latents / scaling_factor), then (x * 0.5 + 0.5).clamp(0, 1)
        with torch.no_grad():
            by_hand = (vae.decode(final / vae.config.scaling_factor).sample * 0.5 + 0.5).clamp(0, 1)
        if not torch.equal(by_hand, image):
            raise SystemExit(f"{case}: image is not denormalize(vae.decode(final_latents / scaling_factor))")
        first = rec["transformer"][0]
        t_in = first["timestep"]
        added = first.get("added_cond_kwargs") or {}
        micro = {k: v for k, v in added.items() if v is not None}
        if (t_config["sample_size"] == 128) != bool(micro):
            raise SystemExit(f"{case}: micro-conditions {sorted(micro)} unexpected for sample_size {t_config['sample_size']}")

        # the attention processors, every transformer parameter, the masks
        lat_run = lambda: run(pipe, dict(kwargs, output_type="latent"))[0]  # noqa: E731
        t_procs, t_err = check_shim_attention(transformer, lat_run)
        v_procs, v_err = check_shim_attention(vae, lambda: run(pipe, kwargs)[0])
        check_every_parameter_matters(transformer, lat_run, case)
        check_masks(pipe, kwargs, final, case)

        same_loop = None
        if case == "pixart_alpha":
            # PixArtSigmaPipeline's loop differs only in what does not apply here (micro-conditions
            # at sample_size 128, the one-step DMD branch, binning tables, max_sequence_length 300):
            # on these components and inputs it must give the same bytes.
            sigma = pipeline(PixArtSigmaPipeline, transformer, vae, scheduler)
            same_loop = torch.equal(run(sigma, kwargs)[0], image)
            if not same_loop:
                raise SystemExit("PixArtSigmaPipeline differs from PixArtAlphaPipeline on the base case")

        pipe.save_pretrained(out)  # model_index.json, transformer/, vae/, scheduler/ (tokenizer, text_encoder: [null, null])
        again = PixArtAlphaPipeline.from_pretrained(out, tokenizer=None, text_encoder=None, low_cpu_mem_usage=False)
        again.set_progress_bar_config(disable=True)
        if not torch.equal(run(again, kwargs)[0], image):
            raise SystemExit(f"{case}: the saved pipeline, reloaded, gives a different image")

        tensors = dict(io, timesteps=timesteps.to(torch.float64))
        for i in range(STEPS):
            tensors[f"noise_pred_{i}"] = rec["noise_pred"][i]
            tensors[f"latents_step_{i}"] = rec["latents"][i]
        tensors["final_latents"] = final
        tensors["image"] = image
        if micro:
            tensors.update({f"added_cond_{k}": v for k, v in micro.items()})

        names = {id(v): k for k, v in io.items()}
        call = {k: (names[id(v)] if id(v) in names else v) for k, v in kwargs.items()}
        meta = {
            "script": script_name(__file__), "description": description,
            "pipeline_class": "PixArtAlphaPipeline",
            "call": to_json(call),
            "call_note": "pipe = PixArtAlphaPipeline.from_pretrained(this folder, tokenizer=None, text_encoder=None); "
                         "image = pipe(**call)[0] with the string values naming tensors of this file; "
                         "final_latents: the same call with output_type='latent'",
            "guidance_scale": repr(GUIDANCE), "steps": str(STEPS),
            "height": str(kwargs["height"]), "width": str(kwargs["width"]),
            "vae_scale_factor": str(pipe.vae_scale_factor),
            "scaling_factor": repr(vae.config.scaling_factor),
            "timesteps_dtype": str(timesteps.dtype).replace("torch.", ""),
            "transformer_timestep": f"t of scheduler.timesteps, [None].expand(2): {str(t_in.dtype).replace('torch.', '')} "
                                    f"{list(t_in.shape)} (the model casts it to float32)",
            "loop": "x = latents * init_noise_sigma (1); per step i, t = timesteps[i]: "
                    "out = transformer(cat([x, x]), encoder_hidden_states=cat([negative_prompt_embeds, prompt_embeds]), "
                    "encoder_attention_mask=cat([negative_prompt_attention_mask, prompt_attention_mask]), timestep=t"
                    + (", added_cond_kwargs={resolution: [[height, width]] x 2, aspect_ratio: [[height / width]] x 2}" if micro else "")
                    + "); u, c = out.chunk(2); g = u + guidance_scale * (c - u); "
                    "noise_pred_i = g[:, :4] (learned sigma: out_channels // 2 == in_channels, so the 8 channels "
                    "are split after guidance and the variance half dropped); "
                    "x = latents_step_i = scheduler.step(noise_pred_i, t, x); scale_model_input is the identity. "
                    "image = (vae.decode(final_latents / scaling_factor).sample * 0.5 + 0.5).clamp(0, 1)",
            "components": f"transformer: gen_pixart.py's build, seed {t_seed} (the weights of pixart/"
                          f"{'base' if t_config is BASE else 'micro'}; config here"
                          f"{'' if t_config is BASE else ' with sample_size 128'}); vae: gen_vae.py's {VAE_CASE} "
                          f"(the weights of vae/{VAE_CASE}); scheduler: gen_schedulers.py's dpmsolver_pixart config",
            "position_table": f"PatchEmbed recomputes the 2-D sincos table for the {LAT_H // 2}x{LAT_W // 2} patch grid with "
                              f"base_size {transformer.pos_embed.base_size} (sample_size // patch_size) and interpolation_scale "
                              f"{transformer.pos_embed.interpolation_scale} (config interpolation_scale "
                              f"{transformer.config.interpolation_scale}: max(sample_size // 64, 1))",
            "seeds": f"prompt_embeds randn seed {seed}, negative_prompt_embeds randn seed {seed + 1}, "
                     f"latents randn seed {seed + 2}",
            "text_encoder": "none: tokenizer=None, text_encoder=None (optional components; model_index.json "
                            "lists them as [null, null]); prompt=None, embeddings passed",
            "attention_processor": ",".join(sorted(set(t_procs + v_procs))),
            "shim_sdpa_vs_attnprocessor_max_abs_diff": repr(max(t_err, v_err)),
            "image_clamped_fraction": repr(((by_hand == 0) | (by_hand == 1)).float().mean().item()),
        }
        if micro:
            meta["micro_conditions"] = ("resolution = [[height, width]] and aspect_ratio = [[height / width]] (pixels, "
                                        "F32), each repeated for both CFG halves; saved as added_cond_*")
        if same_loop is not None:
            meta["pixart_sigma"] = ("PixArtSigmaPipeline gives the same bytes here (checked): its loop differs only in "
                                    "micro-conditions at sample_size 128 (never passed), the one-step branch, binning "
                                    "tables and max_sequence_length 300 (unused with embeddings)")
        write(os.path.join(out, "io.safetensors"), tensors, meta)
        sizes = {d: sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(out, d)) for f in fs)
                 for d in ("transformer", "vae", "scheduler")}
        print(f"  {case}: image {list(image.shape)} mean {image.mean():.4f}, clamped {meta['image_clamped_fraction']}; "
              f"final latents rms {final.pow(2).mean().sqrt():.4f}; timesteps {timesteps.tolist()} ({timesteps.dtype}); "
              f"transformer timestep {t_in.dtype} {list(t_in.shape)}; micro {sorted(micro)}; "
              f"attention {t_procs + v_procs} diff {max(t_err, v_err):.2e}; folders {sizes}")


if __name__ == "__main__":
    main()
