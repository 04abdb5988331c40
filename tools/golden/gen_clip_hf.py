"""CLIP text-encoder goldens from Hugging Face transformers v4.30.0's own CLIPTextModel and
CLIPTextModelWithProjection (modeling_clip.py): the classes SD3's pipelines load. They stand beside
gen_clip.py's openai/CLIP fixtures, so the exported graph is checked against both implementations.

Per case a tiny model is built from a CLIPTextConfig, every parameter redrawn from one generator in
sorted-name order (weights randn/sqrt(fan_in), layer-norm weights 1 + 0.1 randn and biases
0.1 randn, other biases 0.1 randn, token embeddings randn, position embeddings 0.5 randn), checked
(nudging any tensor by 0.1 randn moves some output by more than 1e-4; the key biases k_proj.bias are
exempt: they add the same q.b to every score of a query row, which softmax cannot see), saved with
save_pretrained(safe_serialization=True) (config.json + model.safetensors, with the position_ids
buffer v4.30.0 keeps in the file) and reloaded with from_pretrained (bit-identical outputs).
Then model(input_ids, output_hidden_states=True) on three sequences of 77, no attention mask (as
SD3's encode_prompt calls it); io.safetensors keeps:

- `input_ids` [3, 77] I64
- `last_hidden_state` [3, 77, D]: after final_layer_norm
- `penultimate_hidden_state` [3, 77, D]: hidden_states[-2], what SD3 conditions on
- `pooled` [3, D]: the text transformer's pooler_output
- `text_embeds` [3, P] (WithProjection only): text_projection(pooled)

Pooling: v4.30.0 pools at the argmax of input_ids whatever eos_token_id says (the eos_token_id rule
came in 4.31). The rows here end with the vocabulary's largest id, as real CLIP tokenizers do
(49407), so the argmax is the first end token and both rules of Jano's ClipTextConfig (first
eos_token_id; argmax for the legacy eos_token_id 2) name the same position; `g_like` also holds
the id 2 before its end token, so a "first 2" rule would be wrong there.

| case | class | act | layers | heads x dim | vocab | bos / end / eos_token_id / pad |
| l_like | CLIPTextModel | quick_gelu | 3 | 2 x 8 | 96 | 94 / 95 / 95 / 95 (pads with the end token, as CLIP-L) |
| g_like | CLIPTextModelWithProjection (20) | gelu | 2 | 3 x 8 | 64 | 62 / 63 / 2 (legacy) / 0 (pads with 0, as CLIP-G's "!") |
"""
import jano_shim  # noqa: F401  (must come before transformers)
import hf_transformers

import os
import shutil

import torch
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

from common import FIXTURES, REPO_ROOT, script_name, to_json, write

CONTEXT = 77
CASES = {
    "l_like": dict(cls=CLIPTextModel, vocab=96, width=16, heads=2, layers=3, projection=None, act="quick_gelu",
                   bos=94, end=95, eos=95, pad=95, seed=31),
    "g_like": dict(cls=CLIPTextModelWithProjection, vocab=64, width=24, heads=3, layers=2, projection=20, act="gelu",
                   bos=62, end=63, eos=2, pad=0, seed=32),
}


def config(c):
    return CLIPTextConfig(vocab_size=c["vocab"], hidden_size=c["width"], intermediate_size=2 * c["width"],
                          num_hidden_layers=c["layers"], num_attention_heads=c["heads"], max_position_embeddings=CONTEXT,
                          hidden_act=c["act"], layer_norm_eps=1e-5, projection_dim=c["projection"] or 512,
                          bos_token_id=c["bos"], eos_token_id=c["eos"], pad_token_id=c["pad"])


def token_rows(c):
    """Three sequences of 77 as a CLIP tokenizer frames them: BOS, words, the end token, padding;
    the third fills all 77 (a truncated prompt)."""
    g = torch.Generator().manual_seed(c["seed"] + 100)
    words = lambda n: torch.randint(3, c["bos"], (n,), generator=g).tolist()  # noqa: E731
    bos, end, pad = c["bos"], c["end"], c["pad"]
    rows = [[bos] + words(4) + [end] + [pad] * 71,
            [bos] + words(9) + [end] + [pad] * 66,
            [bos] + words(75) + [end]]
    if c["eos"] == 2:
        rows[0][2] = 2  # an id equal to the configured (legacy) eos_token_id before the end token
    assert all(len(r) == CONTEXT for r in rows)
    return torch.tensor(rows, dtype=torch.int64)


def build(c):
    torch.manual_seed(c["seed"])
    model = c["cls"](config(c)).eval()
    g = torch.Generator().manual_seed(c["seed"])
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            r = torch.randn(p.shape, generator=g)
            if name.endswith("token_embedding.weight"):
                v = r
            elif name.endswith("position_embedding.weight"):
                v = 0.5 * r
            elif "layer_norm" in name and name.endswith("weight"):
                v = 1 + 0.1 * r
            elif name.endswith("bias"):
                v = 0.1 * r
            else:
                v = r / p.shape[1] ** 0.5  # [out, in] weights
            p.copy_(v)
    return model


def outputs(model, ids):
    with torch.no_grad():
        out = model(input_ids=ids, output_hidden_states=True)
        pooled = model.text_model(input_ids=ids).pooler_output
    o = {"last_hidden_state": out.last_hidden_state, "penultimate_hidden_state": out.hidden_states[-2], "pooled": pooled}
    if hasattr(out, "text_embeds"):
        o["text_embeds"] = out.text_embeds
    elif not torch.equal(out.pooler_output, pooled):
        raise SystemExit("CLIPTextModel's pooler_output differs from its text_model's")
    return o


def check_sensitivity(model, ids, base):
    flat = lambda o: torch.cat([o[k].reshape(-1) for k in sorted(o)])  # noqa: E731
    ref = flat(base)
    g = torch.Generator().manual_seed(999)
    for name, p in sorted(model.named_parameters()):
        if name.endswith("k_proj.bias"):
            continue  # adds the same q.b to every score of a query row: softmax cannot see it
        saved = p.detach().clone()
        with torch.no_grad():
            p.add_(0.1 * torch.randn(p.shape, generator=g))
        moved = (flat(outputs(model, ids)) - ref).abs().max().item()
        with torch.no_grad():
            p.copy_(saved)
        if moved <= 1e-4:
            raise SystemExit(f"{name}: nudging it moves the outputs by only {moved}")


def main():
    print(f"clip_hf: transformers {hf_transformers.transformers.__version__} from "
          f"{os.path.relpath(hf_transformers.SOURCE, REPO_ROOT)}")
    for case, c in CASES.items():
        folder = os.path.join(FIXTURES, "clip-hf", case)
        shutil.rmtree(folder, ignore_errors=True)
        model = build(c)
        ids = token_rows(c)
        outs = outputs(model, ids)
        check_sensitivity(model, ids, outs)
        model.save_pretrained(folder, safe_serialization=True)
        again = c["cls"].from_pretrained(folder).eval()
        if any(not torch.equal(v, outputs(again, ids)[k]) for k, v in outs.items()):
            raise SystemExit(f"{case}: the saved model, reloaded, gives different outputs")
        pos = ids.argmax(dim=-1)
        if not torch.equal(pos, (ids == c["end"]).int().argmax(dim=-1)):
            raise SystemExit(f"{case}: argmax pooling and the first end token differ; the rows must end with the largest id")
        meta = {
            "upstream": hf_transformers.UPSTREAM,
            "script": script_name(__file__),
            "config": model.config.to_json_string(use_diff=False),
            "description": f"transformers {c['cls'].__name__}, tiny random ({c['act']}, {c['layers']} layers of "
                           f"{c['heads']}x{c['width'] // c['heads']}), 3 sequences of 77, no attention mask",
            "model_class": c["cls"].__name__,
            "pool_positions": to_json(pos.tolist()),
            "pooling": "argmax of input_ids (transformers v4.30.0's rule; the rows end with the largest id)",
        }
        write(os.path.join(folder, "io.safetensors"), {"input_ids": ids, **outs}, meta)
        print(f"  {case}: pooled at {pos.tolist()}")


if __name__ == "__main__":
    main()
