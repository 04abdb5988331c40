"""Whole-pipeline golden for FLUX: diffusers v0.32.2's FluxPipeline run end to end on tiny random
components (a FLUX.1-dev-shaped FluxTransformer2DModel with guidance_embeds and 16 latent channels
packed 2x2 to 64, an AutoencoderKL shaped like FLUX.1's VAE, FlowMatchEulerDiscreteScheduler with
FLUX.1-dev's dynamic shifting), both text encoders and tokenizers None, the conditioning passed as
prompt_embeds [1, T, joint_attention_dim] and pooled_prompt_embeds [1, pooled_projection_dim]
(T = 8: a package exported from this folder has T prefix rows), the noise drawn by the pipeline
itself from a seeded torch.Generator.

Output: Jano.Tests/Fixtures/golden/pipeline/flux/ in diffusers' pipeline layout
(pipeline.save_pretrained: model_index.json with the four text components [null, null],
transformer/, vae/, scheduler/), plus
  io.safetensors           case "dev": guidance embedded (guidance_scale 3.5), one branch, B = 1
  io_true_cfg.safetensors  case "true_cfg": the same components and noise with true_cfg_scale 2.0
                           and negative embeddings: two B = 1 transformer calls per step
each with the noise as drawn ([1, 16, H, W]) and packed, the embeddings, guidance, timesteps,
sigmas, mu, every step's noise prediction and latents (packed and unpacked), the final latents
(unpacked, before the VAE scaling) and the image in [0, 1].

True CFG with embeddings: FluxPipeline v0.32.2 decides `do_true_cfg = true_cfg_scale > 1 and
negative_prompt is not None`, while check_inputs refuses a negative_prompt beside
negative_prompt_embeds; negative embeddings alone are silently ignored (checked below: the image is
the dev case's, bit for bit). So the true_cfg case passes negative_prompt="" (any non-None value:
encode_prompt never tokenises it, since negative_prompt_embeds is given) and, for that one call,
wraps the instance's check_inputs so it sees negative_prompt=None (every other check still runs).

The stand-ins (transformers names, loader mixins, torch.compiler.disable) are flux_upstream.py's.
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import contextlib
import json
import os
import shutil

import torch

import diffusers
from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler

from flux_upstream import COMPILER_STAND_IN, MIXINS, STAND_IN, FluxPipeline, pack, pipeline_flux
from common import (FIXTURES, check_every_parameter_matters, check_shim_sdpa_against_einsum, randn,
                    script_name, to_json, write)
from gen_flux import SCHEDULERS, build as build_transformer
from gen_vae import build as build_vae

diffusers.utils.logging.disable_progress_bar()  # from_pretrained's "Loading pipeline components"

OUT = os.path.join(FIXTURES, "pipeline", "flux")
LAT_C = 16                      # FLUX.1's latent channels
HEIGHT, WIDTH = 48, 64          # pixels; vae_scale_factor 8: 6x8 latents, a 3x4 grid of packed tokens
TEXT_LEN = 8                    # T: prompt_embeds rows (the package's prefix rows)
STEPS, GUIDANCE, TRUE_CFG = 4, 3.5, 2.0
# gen_flux.py's dev config, narrowed to keep the folder small (2 heads of 8, rope axes 2 + 2 + 4 = 8;
# 2 double + 2 single blocks as there), with in_channels 4 x 16.
TRANSFORMER = dict(patch_size=1, in_channels=4 * LAT_C, out_channels=None, num_layers=2, num_single_layers=2,
                   attention_head_dim=8, num_attention_heads=2, joint_attention_dim=12, pooled_projection_dim=10,
                   axes_dims_rope=(2, 2, 4), guidance_embeds=True)
# black-forest-labs/FLUX.1-dev vae/config.json's shape (four blocks, two layers each, mid-block attention,
# 16 latent channels, no quant convs, its scaling and shift), widths and groups shrunk.
VAE = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
           up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[4, 8, 8, 8], layers_per_block=2,
           act_fn="silu", latent_channels=LAT_C, norm_num_groups=2, sample_size=64, mid_block_add_attention=True,
           force_upcast=True, scaling_factor=0.3611, shift_factor=0.1159, use_quant_conv=False,
           use_post_quant_conv=False)
VAE_SCALE = 2 ** (len(VAE["block_out_channels"]) - 1)  # FluxPipeline's vae_scale_factor: 8, as FLUX.1's
T_SEED, V_SEED, SEED, NOISE_SEED = 6400, 6450, 6500, 6510
NONE_TEXT = dict(text_encoder=None, tokenizer=None, text_encoder_2=None, tokenizer_2=None)


@contextlib.contextmanager
def negative_prompt_unseen_by_check_inputs(pipe):
    """For one call: check_inputs sees negative_prompt=None (see the module note), so negative_prompt=""
    can switch true CFG on beside negative_prompt_embeds."""
    check = pipe.check_inputs

    def checked(prompt, prompt_2, height, width, negative_prompt=None, **kwargs):
        return check(prompt, prompt_2, height, width, negative_prompt=None, **kwargs)

    pipe.check_inputs = checked
    try:
        yield
    finally:
        del pipe.check_inputs


def run(pipe, kwargs, true_cfg=False):
    """One call from a freshly seeded generator, recording every transformer call (its keyword
    inputs and output) and every scheduler.step (the noise prediction it gets, the latents it returns)."""
    rec = {"calls": [], "noise_pred": [], "latents": []}
    step, fwd = pipe.scheduler.step, pipe.transformer.forward

    def wrapped_step(model_output, timestep, sample, *a, **k):
        out = step(model_output, timestep, sample, *a, **k)
        rec["noise_pred"].append(model_output.clone())
        rec["latents"].append(out[0].clone())
        return out

    def wrapped_forward(**k):
        out = fwd(**k)
        rec["calls"].append(dict(k, output=out[0].clone()))
        return out

    pipe.scheduler.step, pipe.transformer.forward = wrapped_step, wrapped_forward
    kwargs = dict(kwargs, generator=torch.Generator().manual_seed(NOISE_SEED))
    try:
        with torch.no_grad(), (negative_prompt_unseen_by_check_inputs(pipe) if true_cfg else contextlib.nullcontext()):
            image = pipe(**kwargs)[0]
    finally:
        del pipe.scheduler.step, pipe.transformer.forward
    return image, rec


def unpack(x):
    return FluxPipeline._unpack_latents(x, HEIGHT, WIDTH, VAE_SCALE)


def record_case(name, pipe, kwargs, true_cfg, noise):
    """Runs a case twice (same bytes), checks what the loop did against the pipeline's own pieces,
    returns (image, tensors)."""
    image, rec = run(pipe, kwargs, true_cfg)
    again, rec2 = run(pipe, kwargs, true_cfg)
    if not (torch.equal(image, again) and all(torch.equal(a, b) for a, b in zip(rec["latents"], rec2["latents"]))):
        raise SystemExit(f"{name}: two runs differ")
    calls_per_step = 2 if true_cfg else 1
    if len(rec["noise_pred"]) != STEPS or len(rec["calls"]) != calls_per_step * STEPS:
        raise SystemExit(f"{name}: {len(rec['calls'])} transformer calls, {len(rec['noise_pred'])} steps")
    timesteps, sigmas = pipe.scheduler.timesteps.clone(), pipe.scheduler.sigmas.clone()
    first = rec["calls"][0]
    if not torch.equal(first["hidden_states"], pack(noise)):
        raise SystemExit(f"{name}: the first latents are not _pack_latents(randn(generator {NOISE_SEED}))")
    tokens = first["hidden_states"].shape[1]
    mu = pipeline_flux.calculate_shift(tokens, *(pipe.scheduler.config[k] for k in (
        "base_image_seq_len", "max_image_seq_len", "base_shift", "max_shift")))
    x = first["hidden_states"]
    tensors = {"noise": noise, "latents": x, "img_ids": first["img_ids"], "txt_ids": first["txt_ids"],
               "guidance": first["guidance"], "timesteps": timesteps.to(torch.float64),
               "sigmas": sigmas.to(torch.float64), "mu": torch.tensor([mu], dtype=torch.float64)}
    t_in = []
    for i in range(STEPS):
        calls = rec["calls"][calls_per_step * i: calls_per_step * (i + 1)]
        for c in calls:
            if not (torch.equal(c["hidden_states"], x) and torch.equal(c["guidance"], torch.full([1], GUIDANCE))
                    and torch.equal(c["timestep"], timesteps[i].expand(1) / 1000)):
                raise SystemExit(f"{name}: step {i}: transformer inputs are not (latents, t / 1000, guidance)")
        t_in.append(calls[0]["timestep"])
        pred = rec["noise_pred"][i]
        if true_cfg:
            cond, neg = calls[0]["output"], calls[1]["output"]
            if not torch.equal(pred, neg + TRUE_CFG * (cond - neg)):
                raise SystemExit(f"{name}: step {i}: noise_pred is not neg + true_cfg_scale * (cond - neg)")
            tensors[f"noise_pred_cond_{i}"], tensors[f"noise_pred_neg_{i}"] = cond, neg
        elif not torch.equal(pred, calls[0]["output"]):
            raise SystemExit(f"{name}: step {i}: noise_pred is not the transformer's output")
        x = rec["latents"][i]
        tensors.update({f"noise_pred_{i}": pred, f"noise_pred_unpacked_{i}": unpack(pred),
                        f"latents_step_{i}": x, f"latents_step_unpacked_{i}": unpack(x)})
    tensors["transformer_timesteps"] = torch.cat(t_in)

    final_packed = run(pipe, dict(kwargs, output_type="latent"), true_cfg)[0]
    if not torch.equal(final_packed, x):
        raise SystemExit(f"{name}: output_type='latent' differs from the last step's latents")
    final = unpack(x)
    vae = pipe.vae
    decoder_input = final / vae.config.scaling_factor + vae.config.shift_factor
    with torch.no_grad():
        by_hand = (vae.decode(decoder_input).sample * 0.5 + 0.5).clamp(0, 1)
    if not torch.equal(by_hand, image):
        raise SystemExit(f"{name}: image is not (vae.decode(final / scaling_factor + shift_factor) * 0.5 + 0.5).clamp(0, 1)")
    tensors.update(final_latents=final, decoder_input=decoder_input, image=image)
    return image, tensors


def main():
    print(f"flux_pipeline: (stand-ins: transformers {STAND_IN}, loader mixins {MIXINS}, torch.compiler.disable {COMPILER_STAND_IN})")
    shutil.rmtree(OUT, ignore_errors=True)
    transformer = build_transformer(TRANSFORMER, T_SEED)
    vae = build_vae(VAE, V_SEED)
    scheduler = FlowMatchEulerDiscreteScheduler(**SCHEDULERS["dev"])
    pipe = FluxPipeline(transformer=transformer, vae=vae, scheduler=scheduler, **NONE_TEXT)
    pipe.set_progress_bar_config(disable=True)
    s = pipe.vae_scale_factor
    if s != VAE_SCALE:
        raise SystemExit(f"vae_scale_factor {s}, expected {VAE_SCALE}")
    lat_h, lat_w = HEIGHT // s, WIDTH // s
    j, p = TRANSFORMER["joint_attention_dim"], TRANSFORMER["pooled_projection_dim"]
    embeds = {"prompt_embeds": randn(SEED, (1, TEXT_LEN, j)), "pooled_prompt_embeds": randn(SEED + 1, (1, p))}
    negative = {"negative_prompt_embeds": randn(SEED + 2, (1, TEXT_LEN, j)),
                "negative_pooled_prompt_embeds": randn(SEED + 3, (1, p))}
    noise = randn(NOISE_SEED, (1, LAT_C, lat_h, lat_w))  # what prepare_latents draws from the generator
    base = dict(prompt=None, **embeds, height=HEIGHT, width=WIDTH, num_inference_steps=STEPS,
                guidance_scale=GUIDANCE, output_type="pt", return_dict=False)
    cases = {
        "dev": (base, False, "io.safetensors"),
        "true_cfg": (dict(base, negative_prompt="", true_cfg_scale=TRUE_CFG, **negative), True, "io_true_cfg.safetensors"),
    }

    results = {}
    for name, (kwargs, true_cfg, _) in cases.items():
        results[name] = record_case(name, pipe, kwargs, true_cfg, noise)
    ignored = run(pipe, dict(base, true_cfg_scale=TRUE_CFG, **negative))[0]
    if not torch.equal(ignored, results["dev"][0]):
        raise SystemExit("negative embeddings without negative_prompt were expected to be ignored (v0.32.2)")
    if torch.equal(results["true_cfg"][0], results["dev"][0]):
        raise SystemExit("true CFG did not change the image")

    # every transformer parameter moves the final latents; every decoder parameter moves the image, but
    # the encoder (never run in text-to-image) and the mid-block attention's to_k.bias (it adds the same
    # q.b to every score of a query row, which softmax cannot see); the shim's SDPA (transformer and VAE
    # mid-block) against float64
    lat = dict(base, output_type="latent")
    check_every_parameter_matters(transformer, lambda: run(pipe, lat)[0], "flux transformer")
    dec_in = results["dev"][1]["decoder_input"]
    check_every_parameter_matters(vae, lambda: vae.decode(dec_in).sample, "flux vae",
                                  dead_by_design=lambda n: n.startswith("encoder.") or n.endswith("to_k.bias"))
    sdpa_err = max(check_shim_sdpa_against_einsum(lambda: run(pipe, k, t)[0], results[n][0])
                   for n, (k, t, _) in cases.items())
    procs = sorted({type(q).__name__ for m in (transformer, vae) for q in m.attn_processors.values()})

    pipe.save_pretrained(OUT)
    with open(os.path.join(OUT, "model_index.json")) as f:
        index = json.load(f)
    if any(index[k] != [None, None] for k in NONE_TEXT):
        raise SystemExit(f"model_index.json: text components {[index[k] for k in NONE_TEXT]}")
    again = FluxPipeline.from_pretrained(OUT, low_cpu_mem_usage=False, **NONE_TEXT)
    again.set_progress_bar_config(disable=True)
    for name, (kwargs, true_cfg, _) in cases.items():
        if not torch.equal(run(again, kwargs, true_cfg)[0], results[name][0]):
            raise SystemExit(f"{name}: the saved pipeline, reloaded, gives a different image")

    for name, (kwargs, true_cfg, file) in cases.items():
        image, tensors = results[name]
        inputs = dict(embeds, **(negative if true_cfg else {}))
        tensors = dict(inputs, **tensors)
        call = {k: (k if k in inputs else v) for k, v in kwargs.items()}
        call["generator"] = f"torch.Generator().manual_seed({NOISE_SEED})"
        loop = ("x = latents = _pack_latents(noise); per step i, t = timesteps[i]: "
                "c = transformer(hidden_states=x, timestep=t / 1000 (transformer_timesteps[i]), guidance=guidance, "
                "pooled_projections=pooled_prompt_embeds, encoder_hidden_states=prompt_embeds, txt_ids, img_ids)")
        loop += ("; n = the same call with negative_prompt_embeds, negative_pooled_prompt_embeds (a second B = 1 call, "
                 f"not a batch of 2); noise_pred_i = n + true_cfg_scale * (c - n) (noise_pred_cond_i = c, "
                 "noise_pred_neg_i = n)" if true_cfg else "; noise_pred_i = c")
        loop += ("; x = latents_step_i = scheduler.step(noise_pred_i, t, x) = x + (sigmas[i+1] - sigmas[i]) * noise_pred_i (float32); "
                 "final_latents = _unpack_latents(x); decoder_input = final_latents / scaling_factor + shift_factor; "
                 "image = (vae.decode(decoder_input).sample * 0.5 + 0.5).clamp(0, 1)")
        meta = {
            "script": script_name(__file__),
            "description": f"FluxPipeline, tiny random components, no text encoders (embeddings given), {STEPS} FlowMatch "
                           f"Euler steps with dynamic shifting (mu {tensors['mu'].item():.6f} for {tensors['latents'].shape[1]} "
                           f"tokens), guidance {GUIDANCE} embedded"
                           + (f", true CFG {TRUE_CFG} (negative embeddings)" if true_cfg else "")
                           + f", {lat_h}x{lat_w} latents of {LAT_C} channels (a {lat_h // 2}x{lat_w // 2} packed grid) "
                           f"-> {HEIGHT}x{WIDTH} image",
            "case": name, "pipeline_class": "FluxPipeline",
            "transformer_class": "FluxTransformer2DModel", "vae_class": "AutoencoderKL",
            "scheduler_class": "FlowMatchEulerDiscreteScheduler",
            "config": to_json({"transformer": dict(transformer.config), "vae": dict(vae.config),
                               "scheduler": dict(scheduler.config)}),
            "call": to_json(call),
            "call_note": "pipe = FluxPipeline.from_pretrained(this folder, text_encoder=None, tokenizer=None, "
                         "text_encoder_2=None, tokenizer_2=None); image = pipe(**call)[0] with the values naming "
                         "tensors of this file replaced by them; final_latents: the same call with output_type='latent', "
                         "unpacked" + ("; negative_prompt='' only switches true CFG on (v0.32.2: do_true_cfg = "
                                       "true_cfg_scale > 1 and negative_prompt is not None) and is hidden from check_inputs, "
                                       "which refuses it beside negative_prompt_embeds; it is never tokenised"
                                       if true_cfg else ""),
            "loop": loop,
            "guidance_scale": repr(GUIDANCE), "true_cfg_scale": repr(TRUE_CFG if true_cfg else 1.0),
            "steps": str(STEPS), "height": str(HEIGHT), "width": str(WIDTH), "text_tokens": str(TEXT_LEN),
            "latent_channels": str(LAT_C), "vae_scale_factor": str(s), "image_seq_len": str(tensors["latents"].shape[1]),
            "scaling_factor": repr(vae.config.scaling_factor), "shift_factor": repr(vae.config.shift_factor),
            "components": f"transformer: gen_flux.py's build (weights randn/sqrt(fan_in), norms 1+0.1*randn, biases "
                          f"0.05*randn, sorted-name order) of the config here, seed {T_SEED}; vae: gen_vae.py's build "
                          f"(default init after torch.manual_seed({V_SEED}), GroupNorm affine 1+0.1*randn / 0.1*randn from "
                          f"seed {V_SEED + 1}) of FLUX.1-dev's VAE shape narrowed; scheduler: FLUX.1-dev's "
                          "scheduler_config.json values",
            "seeds": f"prompt_embeds, pooled_prompt_embeds, negative_prompt_embeds, negative_pooled_prompt_embeds: randn "
                     f"seeds {SEED}..{SEED + 3}; noise: torch.Generator().manual_seed({NOISE_SEED}) passed as generator "
                     f"(prepare_latents draws randn [1, {LAT_C}, {lat_h}, {lat_w}], then packs it)",
            "text_encoder": "none: text_encoder, tokenizer, text_encoder_2, tokenizer_2 None "
                            "(model_index.json lists them as [null, null]); prompt=None, embeddings passed",
            "attention_processor": ",".join(procs),
            "shim_sdpa_vs_float64_einsum_max_abs_diff": repr(sdpa_err),
            "image_min": repr(image.min().item()), "image_max": repr(image.max().item()),
            "image_clamped_fraction": repr(((image == 0) | (image == 1)).float().mean().item()),
        }
        write(os.path.join(OUT, file), tensors, meta)
        print(f"  {name}: image {list(image.shape)} in [{image.min():.4f}, {image.max():.4f}] mean {image.mean():.4f}, "
              f"clamped {meta['image_clamped_fraction']}; final latents rms {tensors['final_latents'].pow(2).mean().sqrt():.4f}; "
              f"timesteps {[round(t, 4) for t in tensors['timesteps'].tolist()]}")
    sizes = {d: sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(OUT, d)) for f in fs)
             for d in ("transformer", "vae", "scheduler")}
    print(f"  attention {procs}, shim SDPA vs einsum {sdpa_err:.2e}; folders {sizes}")


if __name__ == "__main__":
    main()
