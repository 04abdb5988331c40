"""Golden for the user path init-random -> export -> generate on a PixArt-Sigma pipeline:

    jano init-random --pipeline pixart-sigma --out P --seed 0
    jano export --pipeline P --out K
    jano generate "a red bicycle" --model K --size 96x64 --seed 0 --steps 4 --dense --no-binning

must give the pixels of diffusers v0.32.2's own PixArtSigmaPipeline on the folder P.

This script keeps transformers off its path (it predates hf_transformers.py), so diffusers does
not run P's T5 encoder: the caption states come from OUR T5 encoder (package K, checked elsewhere
against a double-precision reference and against transformers' T5EncoderModel, gen_t5.py) and the initial latents are OUR seeded noise, both written by the test-support
command `Jano.Bench golden-inputs` (not part of the shipped CLI). Everything else - the
transformer, DPM-Solver++, classifier-free guidance, the VAE decode, postprocessing - is
diffusers', loaded from P with from_pretrained.

The prompt (10 tokens) and the empty negative prompt (T5's EOS alone) have different lengths;
PixArtSigmaPipeline needs both the same shape (check_inputs), as its own encode_prompt makes
them by padding to max_sequence_length. Here both are padded with zero rows to the longer one,
with mask 0 there: the transformer turns the mask into a -10000 bias, so padding rows get
exactly zero attention weight whatever they hold (checked below by moving them).

P is not saved (the C# test regenerates it: init-random is deterministic for a seed; checked
here by writing it twice and comparing every file byte for byte).

Needs the .NET build: dotnet build tools/Jano.Cli -c Release && dotnet build Jano.Bench -c Release
(run.sh skips this script when dotnet is missing).
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

from diffusers import AutoencoderKL, DPMSolverMultistepScheduler, PixArtTransformer2DModel

from common import FIXTURES, REPO_ROOT, check_shim_attention, script_name, to_json, write
from gen_pipeline import COMPILER_STAND_IN, STAND_IN, PixArtSigmaPipeline, run

PROMPT, NEGATIVE = "a red bicycle", ""
SEED, WIDTH, HEIGHT, STEPS, GUIDANCE = 0, 96, 64, 4, 4.5
CASE = "init_random_sigma"
JANO = [os.environ.get("DOTNET", "dotnet"), os.path.join(REPO_ROOT, "tools", "Jano.Cli", "bin", "Release", "net10.0", "jano.dll")]
BENCH = [JANO[0], os.path.join(REPO_ROOT, "Jano.Bench", "bin", "Release", "net10.0", "Jano.Bench.dll")]


def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.stdout


def same_tree(a, b):
    files = lambda root: sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)  # noqa: E731
    fa, fb = files(a), files(b)
    return fa == fb and all(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False) for f in fa), fa


def without_path(config):
    return {k: v for k, v in dict(config).items() if k != "_name_or_path"}


def pad(embeds, mask, length):
    e = torch.zeros(1, length, embeds.shape[2])
    m = torch.zeros(1, length)
    e[:, : embeds.shape[1]] = embeds
    m[:, : mask.shape[1]] = mask
    return e, m


def main():
    print(f"init_random_pipeline: (stand-ins: transformers {STAND_IN}, torch.compiler.disable {COMPILER_STAND_IN})")
    for dll in (JANO[1], BENCH[1]):
        if not os.path.isfile(dll):
            raise SystemExit(f"missing {dll}: dotnet build tools/Jano.Cli -c Release && dotnet build Jano.Bench -c Release")
    tmp = tempfile.mkdtemp(prefix="jano-golden-")
    try:
        P, P2, K = (os.path.join(tmp, n) for n in ("P", "P2", "K"))
        inputs_path = os.path.join(tmp, "inputs.safetensors")
        commands = [
            ["jano", "init-random", "--pipeline", "pixart-sigma", "--out", "P", "--seed", str(SEED)],
            ["jano", "export", "--pipeline", "P", "--out", "K"],
            ["jano", "generate", PROMPT, "--model", "K", "--size", f"{WIDTH}x{HEIGHT}", "--seed", str(SEED),
             "--steps", str(STEPS), "--dense", "--no-binning"],
        ]
        sh(JANO + ["init-random", "--pipeline", "pixart-sigma", "--out", P, "--seed", str(SEED)])
        sh(JANO + ["init-random", "--pipeline", "pixart-sigma", "--out", P2, "--seed", str(SEED)])
        same, files = same_tree(P, P2)
        if not same:
            raise SystemExit("init-random is not deterministic: two runs with one seed differ")
        sh(JANO + ["export", "--pipeline", P, "--out", K])
        info = sh(JANO + ["info", K])
        m = re.search(r"guidance ([0-9.]+)", info)
        if not m or float(m.group(1)) != GUIDANCE:
            raise SystemExit(f"the package's default guidance is not {GUIDANCE}:\n{info}")
        sh(BENCH + ["golden-inputs", "--package", K, "--prompt", PROMPT, "--negative", NEGATIVE, "--seed", str(SEED),
                    "--size", f"{WIDTH}x{HEIGHT}", "--out", inputs_path])
        raw = load_file(inputs_path)

        torch.manual_seed(0)  # the VAE encoder's fresh initialisation (unused by decode; see below)
        transformer, t_info = PixArtTransformer2DModel.from_pretrained(
            os.path.join(P, "transformer"), low_cpu_mem_usage=False, output_loading_info=True)
        vae, v_info = AutoencoderKL.from_pretrained(os.path.join(P, "vae"), low_cpu_mem_usage=False, output_loading_info=True)
        # init-random writes only what generation uses: the VAE's decoder half (post_quant_conv, decoder.*);
        # diffusers initialises the missing encoder and quant_conv itself, and the pipeline's decode never reaches them.
        if any(t_info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys")) or v_info["unexpected_keys"] \
                or v_info["mismatched_keys"] or not all(k.startswith(("encoder.", "quant_conv.")) for k in v_info["missing_keys"]):
            raise SystemExit(f"loading P: transformer {t_info}, vae {v_info}")
        scheduler = DPMSolverMultistepScheduler.from_pretrained(os.path.join(P, "scheduler"))
        pipe = PixArtSigmaPipeline(tokenizer=None, text_encoder=None, vae=vae, transformer=transformer, scheduler=scheduler)
        pipe.set_progress_bar_config(disable=True)
        if scheduler.init_noise_sigma != 1.0:
            raise SystemExit(f"init_noise_sigma {scheduler.init_noise_sigma}: the seeded noise would need scaling")
        s = pipe.vae_scale_factor
        if (HEIGHT // s, WIDTH // s) != tuple(raw["latents"].shape[2:]):
            raise SystemExit(f"vae_scale_factor {s}: latents {list(raw['latents'].shape)} do not fit {WIDTH}x{HEIGHT}")

        length = max(raw["prompt_embeds"].shape[1], raw["negative_prompt_embeds"].shape[1])
        pe, pm = pad(raw["prompt_embeds"], raw["prompt_attention_mask"], length)
        ne, nm = pad(raw["negative_prompt_embeds"], raw["negative_prompt_attention_mask"], length)
        io = {"prompt_embeds": pe, "prompt_attention_mask": pm, "negative_prompt_embeds": ne,
              "negative_prompt_attention_mask": nm, "latents": raw["latents"]}
        kwargs = dict(
            prompt=None, negative_prompt=None,
            prompt_embeds=pe, prompt_attention_mask=pm, negative_prompt_embeds=ne, negative_prompt_attention_mask=nm,
            latents=io["latents"], height=HEIGHT, width=WIDTH, num_inference_steps=STEPS, guidance_scale=GUIDANCE,
            use_resolution_binning=False, output_type="pt", return_dict=False,
        )
        image, rec = run(pipe, kwargs, record=True)
        image2, _ = run(pipe, kwargs)
        if not torch.equal(image, image2):
            raise SystemExit("two runs differ")
        final = run(pipe, dict(kwargs, output_type="latent"))[0]
        if not torch.equal(final, rec["latents"][-1]):
            raise SystemExit("output_type='latent' differs from the last step's latents")
        with torch.no_grad():
            by_hand = (vae.decode(final / vae.config.scaling_factor).sample * 0.5 + 0.5).clamp(0, 1)
        if not torch.equal(by_hand, image):
            raise SystemExit("image is not denormalize(vae.decode(final_latents / scaling_factor))")
        # padding rows must not count
        lat = dict(kwargs, output_type="latent")
        for key in ("prompt_embeds", "negative_prompt_embeds"):
            keep = int(kwargs[key.replace("embeds", "attention_mask")].sum().item())
            if keep < length:
                e = kwargs[key].clone()
                e[0, keep:] += 5.0
                moved = (run(pipe, dict(lat, **{key: e}))[0] - final).abs().max().item()
                if moved > 1e-6:
                    raise SystemExit(f"{key}: padding rows moved the latents by {moved}")
        t_procs, t_err = check_shim_attention(transformer, lambda: run(pipe, lat)[0])
        v_procs, v_err = check_shim_attention(vae, lambda: run(pipe, kwargs)[0])
        timesteps = pipe.scheduler.timesteps.clone()

        tensors = dict(io, timesteps=timesteps.to(torch.float64), final_latents=final, image=image)
        names = {id(v): k for k, v in io.items()}
        call = {k: (names[id(v)] if id(v) in names else v) for k, v in kwargs.items()}
        meta = {
            "script": script_name(__file__),
            "description": "the user path init-random -> export -> generate (PixArt-Sigma, seed 0, 96x64, 4 steps, dense, "
                           "no binning) against diffusers' PixArtSigmaPipeline on the init-random folder",
            "pipeline_class": "PixArtSigmaPipeline",
            "jano_commands": to_json([" ".join(c) if i < 2 else " ".join(c[:2]) + f' "{PROMPT}" ' + " ".join(c[3:])
                                      for i, c in enumerate(commands)]),
            "inputs_command": f'Jano.Bench golden-inputs --package K --prompt "{PROMPT}" --negative "{NEGATIVE}" '
                              f"--seed {SEED} --size {WIDTH}x{HEIGHT} --out inputs.safetensors",
            "seed": str(SEED), "prompt": PROMPT, "negative_prompt": NEGATIVE,
            "prompt_tokens": str(int(pm.sum().item())), "negative_prompt_tokens": str(int(nm.sum().item())),
            "call": to_json(call),
            "call_note": "pipe = PixArtSigmaPipeline(transformer=PixArtTransformer2DModel.from_pretrained(P/transformer), "
                         "vae=AutoencoderKL.from_pretrained(P/vae), scheduler=DPMSolverMultistepScheduler.from_pretrained("
                         "P/scheduler), tokenizer=None, text_encoder=None); image = pipe(**call)[0] with the string values "
                         "naming tensors of this file; final_latents: the same call with output_type='latent'",
            "inputs_note": "prompt_embeds / negative_prompt_embeds: Jano's T5 encoder (package K) on the real tokens of the "
                           "prompt and of the empty negative prompt, padded with zero rows to one length, mask 0 there "
                           "(checked: padding rows do not move the result); latents: Jano's GaussianNoise.Fill(seed) over "
                           "C*h*w floats (init_noise_sigma is 1)",
            "init_random_files": to_json(files),
            "vae_missing_keys": f"{len(v_info['missing_keys'])} keys, all encoder.* / quant_conv.* (init-random writes the "
                                "decoder half only; the decode path never uses them)",
            "init_random_deterministic": "two init-random runs with the same seed wrote identical bytes (checked)",
            "guidance_scale": repr(GUIDANCE), "steps": str(STEPS), "height": str(HEIGHT), "width": str(WIDTH),
            "vae_scale_factor": str(s), "scaling_factor": repr(vae.config.scaling_factor),
            "timesteps_dtype": str(timesteps.dtype).replace("torch.", ""),
            # the configs as loaded, less _name_or_path (the temporary folder: it would change every rerun's bytes)
            "transformer_config": to_json(without_path(transformer.config)), "vae_config": to_json(without_path(vae.config)),
            "scheduler_config": to_json(without_path(scheduler.config)),
            "attention_processor": ",".join(sorted(set(t_procs + v_procs))),
            "shim_sdpa_vs_attnprocessor_max_abs_diff": repr(max(t_err, v_err)),
            "image_clamped_fraction": repr(((image == 0) | (image == 1)).float().mean().item()),
        }
        write(os.path.join(FIXTURES, "pipeline", CASE, "io.safetensors"), tensors, meta)
        print(f"  {CASE}: image {list(image.shape)} mean {image.mean():.4f}, clamped {meta['image_clamped_fraction']}; "
              f"final latents rms {final.pow(2).mean().sqrt():.4f} max {final.abs().max():.4f}; timesteps {timesteps.tolist()}; "
              f"tokens {meta['prompt_tokens']}/{meta['negative_prompt_tokens']} of {length}; attention diff {max(t_err, v_err):.2e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
