"""Checks that tools/Jano.Train's TorchSharp FLUX model is diffusers' FluxTransformer2DModel.

Input: the folder `jano-train dump-fixture --family flux --out DIR` writes (cases train_shape and
guidance: config.json + diffusion_pytorch_model.safetensors + fixture.safetensors with the
trainer's inputs and outputs). For each case, diffusers v0.32.2 loads the checkpoint with
FluxTransformer2DModel.from_pretrained (the key set must match exactly: nothing missing, nothing
unused) and runs its forward on the same inputs, with img_ids / txt_ids from FluxPipeline's own
_prepare_latent_image_ids (zeros for text); the script compares
  - the trainer's packing with FluxPipeline._pack_latents,
  - `output` (unpadded captions) with diffusers' output,
  - `output_padded` (captions padded by 3 garbage rows, masked in the trainer's attention) with the
    same unpadded diffusers output (diffusers' FLUX has no caption mask: the padding must vanish),
  - `velocity` (train_shape: the trainer's image-level Velocity, pooled vector = masked mean) with
    FluxPipeline._unpack_latents(diffusers(pack(image), pooled = plain mean of the real rows)).
Prints max |a-b| / max |b| per comparison; fails above 1e-4 (fp32).

Usage: run.sh's environment, then
  python3 tools/golden/check_trainer_flux.py DIR
"""
import jano_shim  # noqa: F401  (must come before diffusers)

import json
import os
import sys

import torch
from safetensors.torch import load_file

from diffusers import FluxTransformer2DModel
from flux_upstream import image_ids, pack, unpack

torch.set_num_threads(1)
LIMIT = 1e-4


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


def check_case(folder):
    weights = load_file(os.path.join(folder, "diffusion_pytorch_model.safetensors"))
    model = FluxTransformer2DModel.from_pretrained(folder, low_cpu_mem_usage=False).eval()
    ours, theirs = set(weights), set(model.state_dict())
    if ours != theirs:
        raise SystemExit(f"{folder}: key sets differ: only trainer {sorted(ours - theirs)[:8]}, "
                         f"only diffusers {sorted(theirs - ours)[:8]}")
    for k, v in model.state_dict().items():
        if not torch.equal(v, weights[k]):
            raise SystemExit(f"{folder}: {k} not loaded as written")
    io = load_file(os.path.join(folder, "fixture.safetensors"))
    image = io["image"]
    _, _, h, w = image.shape
    errors = {}
    errors["pack"] = (pack(image) - io["hidden_states"]).abs().max().item()
    if errors["pack"] != 0.0:
        raise SystemExit(f"{folder}: trainer packing differs from FluxPipeline._pack_latents")

    def run(hidden, pooled):
        m = io["encoder_hidden_states"].shape[1]
        with torch.no_grad():
            return model(hidden_states=hidden, encoder_hidden_states=io["encoder_hidden_states"],
                         pooled_projections=pooled, timestep=io["timestep"], guidance=io.get("guidance"),
                         img_ids=image_ids(h, w), txt_ids=torch.zeros(m, 3), return_dict=True).sample

    ref = run(io["hidden_states"], io["pooled_projections"])
    errors["output"] = rel(io["output"], ref)
    errors["output_padded"] = rel(io["output_padded"], ref)
    if "velocity" in io:
        pooled = io["encoder_hidden_states"].mean(1)  # the real rows only: what the mask selects
        errors["pooled"] = rel(io["pooled_projections"], pooled)
        errors["velocity"] = rel(io["velocity"], unpack(run(pack(image), pooled), h, w))
    cfg = json.load(open(os.path.join(folder, "config.json")))
    print(f"  {os.path.basename(folder)}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"guidance_embeds {cfg['guidance_embeds']}, grid {h // 2}x{w // 2}, output rms {ref.pow(2).mean().sqrt():.4f}; "
          + ", ".join(f"{k} {v:.2e}" for k, v in errors.items()))
    bad = {k: v for k, v in errors.items() if v > LIMIT}
    if bad:
        raise SystemExit(f"{folder}: trainer differs from diffusers (max relative error > {LIMIT}): {bad}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: check_trainer_flux.py DIR   (DIR from jano-train dump-fixture --family flux --out DIR)")
    root = sys.argv[1]
    cases = [c for c in ("train_shape", "guidance") if os.path.isdir(os.path.join(root, c))]
    if not cases:
        raise SystemExit(f"{root}: no train_shape/ or guidance/ folder (write it with jano-train dump-fixture --family flux)")
    print("trainer FLUX vs diffusers FluxTransformer2DModel (max |trainer - diffusers| / max |diffusers|):")
    for c in cases:
        check_case(os.path.join(root, c))
    print("  ok")


if __name__ == "__main__":
    main()
