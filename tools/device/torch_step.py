"""The dense denoising step of a PixArt package in PyTorch: the yardstick of issue #7 (d).

A short PixArtTransformer2DModel forward (ada_norm_single, no size conditioning, GELU-tanh MLP,
caption cross-attention) written here against diffusers' checkpoint key names, with the position
table read from the package's positions.safetensors so both sides embed tokens identically.

  python3 torch_step.py check --checkpoint DIFFUSERS_DIR --package PKG
      fp32 forward against the package's model.onnx in onnxruntime (CPU): the implementation is right
  python3 torch_step.py time --checkpoint DIFFUSERS_DIR --package PKG [--dtype fp16] [--steps 20]
      median time of one guided step (batch 2: conditional + unconditional) on CUDA, CUDA events
"""
import argparse
import json
import math
import os
import statistics

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

CAPTION_TOKENS = 8


def load(checkpoint, package, dtype, device):
    config = json.load(open(os.path.join(checkpoint, "config.json")))
    weights = load_file(os.path.join(checkpoint, "diffusion_pytorch_model.safetensors"))
    weights = {k: v.to(device=device, dtype=dtype) for k, v in weights.items()}
    positions = load_file(os.path.join(package, "positions.safetensors"))["pos_embed"].to(device=device, dtype=dtype)
    return config, weights, positions


def linear(w, prefix, x):
    return F.linear(x, w[prefix + ".weight"], w.get(prefix + ".bias"))


def timestep_embedding(t, dim=256):
    # diffusers Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0): cosine half first.
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def attention(q, k, v, heads, mask_bias=None):
    b, n, d = q.shape
    m = k.shape[1]
    q = q.view(b, n, heads, d // heads).transpose(1, 2)
    k = k.view(b, m, heads, d // heads).transpose(1, 2)
    v = v.view(b, m, heads, d // heads).transpose(1, 2)
    o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask_bias)
    return o.transpose(1, 2).reshape(b, n, d)


def forward(config, w, positions, x, t, text, text_mask):
    """x [B, C, S, S], t [B] in [0, 1000], text [B, L, caption], text_mask [B, L] → [B, C_out, S, S]."""
    heads, p = config["num_attention_heads"], config["patch_size"]
    d = heads * config["attention_head_dim"]
    b, _, s, _ = x.shape
    g = s // p
    dtype = positions.dtype
    h = F.conv2d(x, w["pos_embed.proj.weight"], w["pos_embed.proj.bias"], stride=p).flatten(2).transpose(1, 2) + positions

    emb = timestep_embedding(t).to(dtype)
    emb = linear(w, "adaln_single.emb.timestep_embedder.linear_2", F.silu(linear(w, "adaln_single.emb.timestep_embedder.linear_1", emb)))
    mod = linear(w, "adaln_single.linear", F.silu(emb)).view(b, 6, d)
    caption = linear(w, "caption_projection.linear_2", F.gelu(linear(w, "caption_projection.linear_1", text), approximate="tanh"))
    bias = ((1 - text_mask) * -10000.0).to(dtype)[:, None, None, :]

    for i in range(config["num_layers"]):
        pre = f"transformer_blocks.{i}"
        shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = (w[pre + ".scale_shift_table"][None] + mod).chunk(6, dim=1)
        n1 = F.layer_norm(h, (d,), eps=1e-6) * (1 + scale_msa) + shift_msa
        a = attention(linear(w, pre + ".attn1.to_q", n1), linear(w, pre + ".attn1.to_k", n1), linear(w, pre + ".attn1.to_v", n1), heads)
        h = h + gate_msa * linear(w, pre + ".attn1.to_out.0", a)
        a = attention(linear(w, pre + ".attn2.to_q", h), linear(w, pre + ".attn2.to_k", caption), linear(w, pre + ".attn2.to_v", caption), heads, bias)
        h = h + linear(w, pre + ".attn2.to_out.0", a)
        n2 = F.layer_norm(h, (d,), eps=1e-6) * (1 + scale_mlp) + shift_mlp
        h = h + gate_mlp * linear(w, pre + ".ff.net.2", F.gelu(linear(w, pre + ".ff.net.0.proj", n2), approximate="tanh"))

    shift, scale = (w["scale_shift_table"][None] + emb[:, None]).chunk(2, dim=1)
    h = linear(w, "proj_out", F.layer_norm(h, (d,), eps=1e-6) * (1 + scale) + shift)
    c = config["out_channels"]
    return h.reshape(b, g, g, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, g * p, g * p)


def inputs(config, dtype, device, seed=0):
    gen = torch.Generator().manual_seed(seed)
    s, c = config["sample_size"], config["in_channels"]
    x = torch.randn(2, c, s, s, generator=gen).to(device, dtype)
    t = torch.tensor([500.0, 500.0], device=device)
    text = torch.randn(2, CAPTION_TOKENS, config["caption_channels"], generator=gen).to(device, dtype)
    mask = torch.ones(2, CAPTION_TOKENS, device=device)
    mask[1, CAPTION_TOKENS // 2:] = 0  # the unconditional caption is shorter, as in the runtime
    return x, t, text, mask


def check(args):
    import onnxruntime as ort
    config, w, positions = load(args.checkpoint, args.package, torch.float32, "cpu")
    x, t, text, mask = inputs(config, torch.float32, "cpu")
    with torch.no_grad():
        ours = forward(config, w, positions, x, t, text, mask)
    # model.onnx takes no caption mask: compare the conditional item (full caption) only.
    session = ort.InferenceSession(os.path.join(args.package, "model.onnx"), providers=["CPUExecutionProvider"])
    onnx = session.run(["out"], {"sample": x[:1].numpy(), "timestep": t[:1].numpy(), "text_states": text[:1].numpy()})[0]
    diff = float((ours[:1] - torch.from_numpy(onnx)).abs().max())
    print(f"torch_step check: max |PyTorch - model.onnx| = {diff:.2e}")
    return 0 if diff < 1e-3 else 1


def time_step(args):
    dtype = torch.float16 if args.dtype == "fp16" else torch.float32
    config, w, positions = load(args.checkpoint, args.package, dtype, "cuda")
    x, t, text, mask = inputs(config, dtype, "cuda")
    times = []
    with torch.inference_mode():
        for i in range(args.warmup + args.steps):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            forward(config, w, positions, x, t, text, mask)
            end.record()
            torch.cuda.synchronize()
            if i >= args.warmup:
                times.append(start.elapsed_time(end))
    tokens = (config["sample_size"] // config["patch_size"]) ** 2
    print(f"torch step: {statistics.median(times):.3f} ms (median of {args.steps}), {config['num_layers']} blocks, "
          f"{tokens} tokens, {args.dtype}, {torch.cuda.get_device_name()}, torch {torch.__version__}")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["check", "time"])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--package", required=True)
    parser.add_argument("--dtype", choices=["fp32", "fp16"], default="fp16")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    return check(args) if args.mode == "check" else time_step(args)


if __name__ == "__main__":
    raise SystemExit(main())
