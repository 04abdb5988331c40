"""Jano golden-fixture shim: lets diffusers v0.32.2 run on Debian 12's torch 1.13.

Import this module first (before diffusers). It adds only what torch 1.13 lacks;
the pure-Python `safetensors` package beside this file is found through PYTHONPATH.
"""
import math

import torch
import torch.nn.functional as F

# 1. dtype names that newer torch has and diffusers mentions (quantizer tables).
#    Nothing here uses them; any placeholder dtype lets the modules import.
for _name in ("float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64"):
    if not hasattr(torch, _name):
        setattr(torch, _name, torch.uint8)


# 2. scaled_dot_product_attention, written out: softmax(Q K^T * scale + mask) V.
def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    # dropout_p is ignored: the fixtures are made in eval mode.
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    scores = torch.matmul(query, key.transpose(-2, -1)) * scale
    if is_causal:
        lq, lk = query.shape[-2], key.shape[-2]
        keep = torch.ones(lq, lk, dtype=torch.bool, device=query.device).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.matmul(torch.softmax(scores, dim=-1), value)


if not hasattr(F, "scaled_dot_product_attention"):
    F.scaled_dot_product_attention = _sdpa
