"""CLIP text-encoder goldens from openai/CLIP's own text transformer (clip/model.py).

Per case: a tiny random `CLIP` is built with openai's class (its text half is what matters: token
embedding, positional embedding, `Transformer` of `ResidualAttentionBlock`s with the causal mask,
`ln_final`, `text_projection`), its text parameters are redrawn, and it is saved in transformers'
CLIPTextModel / CLIPTextModelWithProjection layout (config.json + model.safetensors, our own key
mapping below). Then `encode_text` runs on three token sequences of 77 and `io.safetensors` keeps:

- `input_ids` [3, 77] I64
- `last_hidden_state` [3, 77, D]: the output of `ln_final` (a forward hook)
- `penultimate_hidden_state` [3, 77, D]: the input of the last residual block (a forward pre-hook),
  i.e. transformers' hidden_states[-2] (no final norm), what SD3 conditions on
- `pooled` [3, D]: `last_hidden_state` at the pooling position transformers uses (below)
- `text_embeds` [3, P] (with projection only): `pooled @ text_projection`; for every item whose
  pooling position is openai's own (argmax of the ids) the script checks it equals `encode_text`.

Pooling position (transformers' CLIPTextTransformer): with `eos_token_id == 2` (the legacy value in
openai's and SD3's/FLUX's CLIP configs) the argmax of the ids, as openai; otherwise the first
position holding `eos_token_id`. Case `l_like` has an item whose largest id is not the EOS, so the
two rules differ there (pooled comes from the hooked states, not from encode_text); case `g_like`
has a 2 before its EOS, so "first 2" would be wrong. (The newest transformers decide per batch: the
argmax when every row's largest id is 49407, else the first eos_token_id. For real vocabularies,
where the tokenizer always puts 49407 in, that is the same position; for this tiny vocabulary with
eos_token_id 2 it is not, and the fixture follows the rule above.)

hidden_act: openai's blocks use QuickGELU (x·σ(1.702x)), transformers' "quick_gelu". Case `g_like`
replaces each block's activation module with torch.nn.GELU() (exact erf), transformers' "gelu", as
OpenCLIP's bigG (SD3's second encoder) uses.
"""
import json
import os

import torch

import jano_shim  # noqa: F401  (pure-Python safetensors on PYTHONPATH)
from safetensors.torch import save_file

import openai_clip
from common import FIXTURES, REPO_ROOT, randn, script_name, to_json

CONTEXT = 77

CASES = {
    # CLIP-L-like: CLIPTextModel, quick_gelu, eos_token_id not 2 (first-EOS pooling), the
    # position_ids buffer older transformers saved in the file (int64 [1, 77]), pads with EOS.
    "l_like": dict(architecture="CLIPTextModel", vocab=96, width=16, heads=2, layers=3, projection=None,
                   act="quick_gelu", bos=89, eos=90, pad=1, position_ids=True, seed=11),
    # CLIP-G-like: WithProjection, gelu, the legacy eos_token_id 2 (argmax pooling), pads with 0.
    "g_like": dict(architecture="CLIPTextModelWithProjection", vocab=64, width=24, heads=3, layers=2,
                   projection=20, act="gelu", bos=62, eos=2, pad=1, position_ids=False, seed=12),
}


def token_rows(c):
    """Three sequences of 77: short + padding, a second one padded differently, one filling all 77."""
    vocab, bos = c["vocab"], c["bos"]
    eot = c["eos"] if c["eos"] != 2 else vocab - 1  # the id the "tokenizer" ends with
    g = torch.Generator().manual_seed(c["seed"] + 100)
    words = lambda n: torch.randint(3, bos - 1, (n,), generator=g).tolist()
    if c["eos"] != 2:
        # Item 1 holds ids above the EOS, so argmax and first-EOS pick different positions.
        rows = [[bos] + words(4) + [eot] + [eot] * 71,
                [bos, 3, bos + 2, vocab - 1, 12] + [eot] + [0] * 71,
                [bos] + words(75) + [eot]]
    else:
        # Item 0 holds 2 (the configured eos id) before the real end token.
        rows = [[bos, 2, 7, 2] + words(2) + [eot] + [0] * 70,
                [bos] + words(9) + [eot] + [eot] * 66,
                [bos] + words(75) + [eot]]
    assert all(len(r) == CONTEXT for r in rows)
    return torch.tensor(rows, dtype=torch.int64)


def pool_positions(ids, eos):
    if eos == 2:
        return ids.to(torch.int32).argmax(dim=-1)
    return (ids == eos).int().argmax(dim=-1)


def build(c):
    model_py = openai_clip.model()
    torch.manual_seed(c["seed"])
    # Vision tower: the smallest ViT openai's class accepts (width 64 = one head); never used or saved.
    model = model_py.CLIP(embed_dim=c["projection"] or 8, image_resolution=8, vision_layers=1, vision_width=64,
                          vision_patch_size=4, context_length=CONTEXT, vocab_size=c["vocab"],
                          transformer_width=c["width"], transformer_heads=c["heads"], transformer_layers=c["layers"])
    if c["act"] == "gelu":
        for block in model.transformer.resblocks:
            block.mlp.gelu = torch.nn.GELU()
    d = c["width"]
    g = torch.Generator().manual_seed(c["seed"])
    # Every text parameter redrawn, in name order: weights randn/sqrt(fan_in) so attention is not
    # uniform, norms 1 + 0.1 randn / 0.1 randn so a swapped or dropped norm parameter shows, biases
    # 0.1 randn, embeddings of unit scale (positions half).
    for name, p in sorted(text_parameters(model).items()):
        r = torch.randn(p.shape, generator=g)
        if name == "token_embedding.weight":
            v = r
        elif name == "positional_embedding":
            v = 0.5 * r
        elif name.endswith(("ln_1.weight", "ln_2.weight", "ln_final.weight")):
            v = 1 + 0.1 * r
        elif name.endswith("bias"):
            v = 0.1 * r
        elif name == "text_projection":
            v = r / d ** 0.5
        else:
            v = r / p.shape[1] ** 0.5  # [out, in] weights
        with torch.no_grad():
            p.copy_(v)
    return model.eval()


def text_parameters(model):
    return {n: p for n, p in model.named_parameters() if not n.startswith("visual.") and n != "logit_scale"}


def hf_state(model, c):
    """openai's text parameters under transformers' CLIPTextModel(WithProjection) names."""
    d = c["width"]
    sd = {n: p.detach().clone() for n, p in text_parameters(model).items()}
    out = {
        "text_model.embeddings.token_embedding.weight": sd["token_embedding.weight"],
        "text_model.embeddings.position_embedding.weight": sd["positional_embedding"],
        "text_model.final_layer_norm.weight": sd["ln_final.weight"],
        "text_model.final_layer_norm.bias": sd["ln_final.bias"],
    }
    for i in range(c["layers"]):
        o, h = f"transformer.resblocks.{i}.", f"text_model.encoder.layers.{i}."
        w, b = sd[o + "attn.in_proj_weight"], sd[o + "attn.in_proj_bias"]  # [3D, D]: q, k, v rows
        for j, name in enumerate(("q_proj", "k_proj", "v_proj")):
            out[h + f"self_attn.{name}.weight"] = w[j * d:(j + 1) * d]
            out[h + f"self_attn.{name}.bias"] = b[j * d:(j + 1) * d]
        out[h + "self_attn.out_proj.weight"] = sd[o + "attn.out_proj.weight"]
        out[h + "self_attn.out_proj.bias"] = sd[o + "attn.out_proj.bias"]
        for a, bname in (("ln_1", "layer_norm1"), ("ln_2", "layer_norm2")):
            out[h + bname + ".weight"] = sd[o + a + ".weight"]
            out[h + bname + ".bias"] = sd[o + a + ".bias"]
        out[h + "mlp.fc1.weight"] = sd[o + "mlp.c_fc.weight"]
        out[h + "mlp.fc1.bias"] = sd[o + "mlp.c_fc.bias"]
        out[h + "mlp.fc2.weight"] = sd[o + "mlp.c_proj.weight"]
        out[h + "mlp.fc2.bias"] = sd[o + "mlp.c_proj.bias"]
    if c["projection"]:
        out["text_projection.weight"] = sd["text_projection"].t()  # openai: x @ P [D, P]; nn.Linear: [P, D]
    if c["position_ids"]:
        out["text_model.embeddings.position_ids"] = torch.arange(CONTEXT, dtype=torch.int64)[None]
    return {k: v.contiguous() for k, v in out.items()}


def hf_config(c):
    d = c["width"]
    config = {
        "architectures": [c["architecture"]],
        "attention_dropout": 0.0,
        "bos_token_id": c["bos"],
        "dropout": 0.0,
        "eos_token_id": c["eos"],
        "hidden_act": c["act"],
        "hidden_size": d,
        "initializer_factor": 1.0,
        "initializer_range": 0.02,
        "intermediate_size": 4 * d,  # openai's blocks are 4x wide
        "layer_norm_eps": 1e-05,     # torch's LayerNorm default, which openai's LayerNorm keeps
        "max_position_embeddings": CONTEXT,
        "model_type": "clip_text_model",
        "num_attention_heads": c["heads"],
        "num_hidden_layers": c["layers"],
        "pad_token_id": c["pad"],
        "projection_dim": c["projection"] or 8,
        "torch_dtype": "float32",
        "vocab_size": c["vocab"],
    }
    return config


def run(model, ids, c):
    """openai's encode_text with hooks: (last_hidden_state, penultimate, encode_text output)."""
    seen = {}
    h1 = model.ln_final.register_forward_hook(lambda m, i, o: seen.__setitem__("last", o))
    h2 = model.transformer.resblocks[-1].register_forward_pre_hook(lambda m, i: seen.__setitem__("penult", i[0]))
    try:
        with torch.no_grad():
            projected = model.encode_text(ids)
    finally:
        h1.remove()
        h2.remove()
    last = seen["last"]
    penult = seen["penult"].permute(1, 0, 2)  # the transformer runs LND
    return last, penult, projected


def outputs(model, ids, c):
    last, penult, projected = run(model, ids, c)
    pos = pool_positions(ids, c["eos"])
    pooled = last[torch.arange(ids.shape[0]), pos]
    embeds = pooled @ model.text_projection.detach()
    same = pos == ids.argmax(dim=-1)
    assert same.any(), "no item pooled where openai pools"
    err = (embeds[same] - projected[same]).abs().max().item()
    if err != 0:
        raise SystemExit(f"pooled @ text_projection differs from encode_text by {err}")
    return {"last_hidden_state": last, "penultimate_hidden_state": penult, "pooled": pooled,
            "text_embeds": embeds}, pos


def check_sensitivity(model, ids, c, base):
    """Nudging any text parameter must move some output by more than 1e-4 (a fixture that would pass
    with a parameter dropped tests nothing)."""
    flat = lambda o: torch.cat([o[k].reshape(-1) for k in sorted(o)])
    ref = flat(base)
    g = torch.Generator().manual_seed(999)
    for name, p in sorted(text_parameters(model).items()):
        if name == "text_projection" and not c["projection"]:
            continue
        saved = p.detach().clone()
        with torch.no_grad():
            p.add_(0.1 * torch.randn(p.shape, generator=g))
        moved = (flat(outputs(model, ids, c)[0]) - ref).abs().max().item()
        with torch.no_grad():
            p.copy_(saved)
        if moved <= 1e-4:
            raise SystemExit(f"{name}: nudging it moves the outputs by only {moved}")


def main():
    for case, c in CASES.items():
        folder = os.path.join(FIXTURES, "clip", case)
        os.makedirs(folder, exist_ok=True)
        model = build(c)
        ids = token_rows(c)
        outs, pos = outputs(model, ids, c)
        check_sensitivity(model, ids, c, outs)
        if not c["projection"]:
            del outs["text_embeds"]
        config = hf_config(c)
        with open(os.path.join(folder, "config.json"), "w") as f:
            f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")
        # transformers' save_pretrained writes {"format": "pt"}; the same here marks a weights file.
        weights = os.path.join(folder, "model.safetensors")
        save_file(hf_state(model, c), weights, metadata={"format": "pt"})
        print(f"  wrote {os.path.relpath(weights, REPO_ROOT)} ({os.path.getsize(weights)} bytes)")
        meta = {
            "upstream": openai_clip.UPSTREAM,
            "script": script_name(__file__),
            "config": to_json(config),
            "description": f"openai/CLIP text transformer, tiny random ({c['architecture']}, {c['act']}, "
                           f"{c['layers']} layers of {c['heads']}x{c['width'] // c['heads']}), 3 sequences of 77",
            "pool_positions": to_json(pos.tolist()),
            "pooling": "argmax of input_ids (eos_token_id 2)" if c["eos"] == 2 else f"first eos_token_id {c['eos']}",
        }
        tensors = {"input_ids": ids, **{k: v.contiguous() for k, v in outs.items()}}
        path = os.path.join(folder, "io.safetensors")
        save_file(tensors, path, metadata=meta)
        print(f"  wrote {os.path.relpath(path, REPO_ROOT)} ({os.path.getsize(path)} bytes, {len(tensors)} tensors, pooled at {pos.tolist()})")


if __name__ == "__main__":
    main()
