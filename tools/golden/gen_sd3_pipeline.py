"""Whole-pipeline golden for SD3: diffusers v0.32.2's StableDiffusion3Pipeline run end to end on
tiny random components (transformer: gen_sd3.py's base config with 16 latent channels, VAE:
gen_vae.py's `sd3_like`, FlowMatchEulerDiscreteScheduler(shift=3.0)), all three text encoders
and tokenizers None, the conditioning passed as embeddings (prompt=None).

The caption length is 333 rows = 77 (CLIP) + 256 (T5, diffusers' max_sequence_length default):
what `jano export --pipeline` gives a StableDiffusion3 folder without text encoders by default.

Output: Jano.Tests/Fixtures/golden/pipeline/sd3/ in diffusers' pipeline layout
(pipeline.save_pretrained: model_index.json with the six text components [null, null],
transformer/, vae/, scheduler/), plus io.safetensors with the inputs, the timesteps, every
step's noise prediction and latents, the final latents and the image in [0, 1].

pipeline_stable_diffusion_3.py imports six names from transformers at import time (type hints
and isinstance checks never reached here): a stand-in module with classes of those names that
refuse to be built is put into sys.modules, as gen_pipeline.py does for PixArt; the three loader
mixins diffusers.loaders exports only beside transformers become empty classes.
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import importlib.util
import os
import shutil
import sys
import types

import torch

import diffusers  # (availability flags are computed here, before the stand-in)
from diffusers import FlowMatchEulerDiscreteScheduler


def _install_transformers_stand_in():
    if "transformers" in sys.modules or importlib.util.find_spec("transformers") is not None:
        return False
    mod = types.ModuleType("transformers")

    class _NeverBuilt:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("stand-in for transformers: the golden pipelines never build a text encoder")

    for name in ("BaseImageProcessor", "CLIPTextModelWithProjection", "CLIPTokenizer", "PreTrainedModel",
                 "T5EncoderModel", "T5TokenizerFast", "T5Tokenizer"):
        setattr(mod, name, type(name, (_NeverBuilt,), {}))
    sys.modules["transformers"] = mod
    return True


def _install_loader_mixins():
    """diffusers.loaders exports FromSingleFileMixin, SD3LoraLoaderMixin and SD3IPAdapterMixin only
    when transformers is available; the pipeline only inherits them (single-file loading, LoRA,
    IP-Adapter: none used here, lora_scale stays None): empty classes stand in."""
    import diffusers.loaders as loaders
    made = []
    for name in ("FromSingleFileMixin", "SD3LoraLoaderMixin", "SD3IPAdapterMixin"):
        try:
            getattr(loaders, name)
        except (AttributeError, ImportError):
            setattr(loaders, name, type(name, (), {}))
            made.append(name)
    return made


STAND_IN = _install_transformers_stand_in()
MIXINS = _install_loader_mixins()
from gen_pipeline import COMPILER_STAND_IN, run  # noqa: E402  (torch.compiler stand-in, the recording run)
from diffusers.pipelines.stable_diffusion_3.pipeline_stable_diffusion_3 import StableDiffusion3Pipeline  # noqa: E402

from common import FIXTURES, randn, script_name, to_json, write  # noqa: E402
from gen_sd3 import BASE as SD3_BASE, build as build_transformer  # noqa: E402
from gen_vae import CASES as VAE_CASES, build as build_vae  # noqa: E402

TEXT_LEN = 77 + 256
LAT_H, LAT_W = 8, 12
STEPS, GUIDANCE, SHIFT = 4, 5.0, 3.0
VAE_CASE = "sd3_like"
CONFIG = dict(SD3_BASE, in_channels=16, out_channels=16)
T_SEED, SEED = 4000, 5000
NONE_TEXT = dict(text_encoder=None, tokenizer=None, text_encoder_2=None, tokenizer_2=None,
                 text_encoder_3=None, tokenizer_3=None)


def main():
    print(f"sd3_pipeline: (stand-ins: transformers {STAND_IN}, loader mixins {MIXINS}, torch.compiler.disable {COMPILER_STAND_IN})")
    out = os.path.join(FIXTURES, "pipeline", "sd3")
    shutil.rmtree(out, ignore_errors=True)
    transformer = build_transformer(CONFIG, T_SEED)
    vae = build_vae(VAE_CASES[VAE_CASE][1], seed=1000 + list(VAE_CASES).index(VAE_CASE))
    scheduler = FlowMatchEulerDiscreteScheduler(shift=SHIFT)
    pipe = StableDiffusion3Pipeline(transformer=transformer, vae=vae, scheduler=scheduler, **NONE_TEXT)
    pipe.set_progress_bar_config(disable=True)
    j, p = CONFIG["joint_attention_dim"], CONFIG["pooled_projection_dim"]
    io = {
        "prompt_embeds": randn(SEED, (1, TEXT_LEN, j)),
        "pooled_prompt_embeds": randn(SEED + 1, (1, p)),
        "negative_prompt_embeds": randn(SEED + 2, (1, TEXT_LEN, j)),
        "negative_pooled_prompt_embeds": randn(SEED + 3, (1, p)),
        "latents": randn(SEED + 4, (1, 16, LAT_H, LAT_W)),
    }
    s = pipe.vae_scale_factor
    kwargs = dict(prompt=None, **io, height=LAT_H * s, width=LAT_W * s, num_inference_steps=STEPS,
                  guidance_scale=GUIDANCE, output_type="pt", return_dict=False)

    image, rec = run(pipe, kwargs, record=True)
    image2, _ = run(pipe, kwargs)
    if not torch.equal(image, image2):
        raise SystemExit("sd3: two runs differ")
    final = run(pipe, dict(kwargs, output_type="latent"))[0]
    if len(rec["noise_pred"]) != STEPS or not torch.equal(final, rec["latents"][-1]):
        raise SystemExit("sd3: output_type='latent' differs from the last step's latents")
    timesteps = pipe.scheduler.timesteps.clone()
    with torch.no_grad():
        by_hand = (vae.decode(final / vae.config.scaling_factor + vae.config.shift_factor).sample * 0.5 + 0.5).clamp(0, 1)
    if not torch.equal(by_hand, image):
        raise SystemExit("sd3: image is not denormalize(vae.decode(final / scaling_factor + shift_factor))")

    pipe.save_pretrained(out)
    again = StableDiffusion3Pipeline.from_pretrained(out, low_cpu_mem_usage=False, **NONE_TEXT)
    again.set_progress_bar_config(disable=True)
    if not torch.equal(run(again, kwargs)[0], image):
        raise SystemExit("sd3: the saved pipeline, reloaded, gives a different image")

    tensors = dict(io, timesteps=timesteps.to(torch.float64), final_latents=final, image=image)
    for i in range(STEPS):
        tensors[f"noise_pred_{i}"] = rec["noise_pred"][i]
        tensors[f"latents_step_{i}"] = rec["latents"][i]
    names = {id(v): k for k, v in io.items()}
    call = {k: (names[id(v)] if id(v) in names else v) for k, v in kwargs.items()}
    meta = {
        "script": script_name(__file__),
        "description": "StableDiffusion3Pipeline, tiny random components, no text encoders (embeddings given), "
                       f"4 FlowMatch Euler steps (shift {SHIFT}), CFG {GUIDANCE}, {LAT_H}x{LAT_W} latents -> "
                       f"{LAT_H * s}x{LAT_W * s} image",
        "pipeline_class": "StableDiffusion3Pipeline",
        "call": to_json(call),
        "call_note": "pipe = StableDiffusion3Pipeline.from_pretrained(this folder, text_encoder=None, tokenizer=None, "
                     "text_encoder_2=None, tokenizer_2=None, text_encoder_3=None, tokenizer_3=None); "
                     "image = pipe(**call)[0] with the string values naming tensors of this file; "
                     "final_latents: the same call with output_type='latent'",
        "guidance_scale": repr(GUIDANCE), "steps": str(STEPS), "shift": repr(SHIFT),
        "height": str(kwargs["height"]), "width": str(kwargs["width"]), "text_tokens": str(TEXT_LEN),
        "vae_scale_factor": str(s),
        "scaling_factor": repr(vae.config.scaling_factor), "shift_factor": repr(vae.config.shift_factor),
        "loop": "x = latents; per step t: out = transformer(cat([x, x]), encoder_hidden_states=cat([negative_prompt_embeds, "
                "prompt_embeds]), pooled_projections=cat([negative_pooled, pooled]), timestep=t.expand(2)); "
                "u, c = out.chunk(2); noise_pred = u + guidance_scale * (c - u); x = scheduler.step(noise_pred, t, x); "
                "image = (vae.decode(final_latents / scaling_factor + shift_factor).sample * 0.5 + 0.5).clamp(0, 1)",
        "components": f"transformer: gen_sd3.py's build of its base config with in/out_channels 16, seed {T_SEED}; "
                      f"vae: gen_vae.py's {VAE_CASE} (the weights of vae/{VAE_CASE}); "
                      f"scheduler: FlowMatchEulerDiscreteScheduler(shift={SHIFT})",
        "seeds": f"prompt_embeds, pooled_prompt_embeds, negative_prompt_embeds, negative_pooled_prompt_embeds, "
                 f"latents: randn seeds {SEED}..{SEED + 4}",
        "text_encoder": "none: all six text components None (model_index.json lists them as [null, null])",
        "image_clamped_fraction": repr(((by_hand == 0) | (by_hand == 1)).float().mean().item()),
    }
    write(os.path.join(out, "io.safetensors"), tensors, meta)
    print(f"  sd3: image {list(image.shape)} mean {image.mean():.4f}, clamped {meta['image_clamped_fraction']}; "
          f"final latents rms {final.pow(2).mean().sqrt():.4f}; timesteps {timesteps.tolist()}")


if __name__ == "__main__":
    main()
