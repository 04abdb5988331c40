"""Helpers shared by the Jano golden-fixture scripts (import after jano_shim)."""
import json
import math
import os

import torch
from safetensors.torch import save_file

UPSTREAM = "diffusers v0.32.2"
HUB_UPSTREAM = "huggingface_hub v0.29.3"

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO_ROOT, "Jano.Tests", "Fixtures", "golden")

torch.set_num_threads(1)  # one reduction order, whatever the machine


def _plain(x):
    """JSON-safe copy: tuples to lists, numpy/torch scalars to Python, and non-finite
    floats to the strings "Infinity" / "-Infinity" / "NaN" (what System.Text.Json's
    AllowNamedFloatingPointLiterals reads), so the text is standard JSON."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "tolist"):
        return _plain(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return x


def to_json(obj, indent=None):
    return json.dumps(_plain(obj), indent=indent, sort_keys=True, allow_nan=False)


def randn(seed, shape, dtype=torch.float32):
    """torch.randn(shape) from a CPU generator seeded with `seed`."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=dtype)


def write(path, tensors, metadata):
    """Write one fixture; every tensor made contiguous on the CPU, metadata as strings."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    meta = {"upstream": UPSTREAM}
    meta.update({k: (v if isinstance(v, str) else to_json(v)) for k, v in metadata.items()})
    save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, path, metadata=meta)
    print(f"  wrote {os.path.relpath(path, REPO_ROOT)} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)")


def script_name(file):
    return os.path.relpath(os.path.abspath(file), REPO_ROOT)


def check_shim_attention(model, forward, atol=1e-5):
    """The shim's scaled_dot_product_attention (behind AttnProcessor2_0, diffusers' default)
    must agree with diffusers' own matmul-softmax AttnProcessor on this model and input.
    Returns the processor class names the model used by default."""
    from diffusers.models.attention_processor import AttnProcessor

    default = model.attn_processors
    names = sorted({type(p).__name__ for p in default.values()})
    with torch.no_grad():
        a = forward()
        model.set_attn_processor(AttnProcessor())
        b = forward()
        model.set_attn_processor(default)
    err = (a - b).abs().max().item()
    if err > atol:
        raise SystemExit(f"shim SDPA differs from AttnProcessor by {err}")
    return names, err


def check_every_parameter_matters(model, run, name, dead_by_design=lambda pname: False):
    """Each parameter tensor, nudged by 0.1*randn, must move the output by more than 1e-4, except
    those the caller names as dead by design (they cannot reach the output)."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        ref = run()
        dead = []
        for pname, p in model.named_parameters():
            if dead_by_design(pname):
                continue
            keep = p.clone()
            p.add_(0.1 * torch.randn(p.shape, generator=g))
            if (run() - ref).abs().max().item() <= 1e-4:
                dead.append(pname)
            p.copy_(keep)
    if dead:
        raise SystemExit(f"{name}: parameters without effect on the output: {dead}")


def check_shim_sdpa_against_einsum(run, output):
    """The model's attention processors call F.scaled_dot_product_attention on [B, heads, L, D] with
    no mask; the shim's SDPA serves it. Rerun with an independent float64 einsum SDPA in its place;
    returns the largest difference from `output` (stops above 1e-5)."""
    import torch.nn.functional as F
    shim = F.scaled_dot_product_attention

    def ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
        assert attn_mask is None and not is_causal
        s = torch.einsum("bhqd,bhkd->bhqk", q.double(), k.double()) / q.shape[-1] ** 0.5
        return torch.einsum("bhqk,bhkd->bhqd", s.softmax(-1), v.double()).to(q.dtype)

    F.scaled_dot_product_attention = ref
    try:
        with torch.no_grad():
            err = (run() - output).abs().max().item()
    finally:
        F.scaled_dot_product_attention = shim
    if err > 1e-5:
        raise SystemExit(f"shim SDPA differs from a float64 einsum SDPA by {err}")
    return err
