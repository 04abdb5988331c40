"""T5 encoder golden from Hugging Face transformers v4.30.0's own T5EncoderModel (modeling_t5.py).

One case, `v1_1_like`: T5 v1.1 as T5-XXL (PixArt's, SD3's text_encoder_3) is built: gated-gelu
feed-forward (wi_0 through gelu_new times wi_1, then wo), RMS layer norms without bias or mean,
no 1/sqrt(d_kv) on the scores, a relative position bias learned in layer 0 only and shared by the
others, bidirectional buckets. The shape is tiny (d_model 32, 4 heads x d_kv 8, d_ff 48, 2 layers)
but the buckets are T5's 32 with relative_attention_max_distance 16 over 24 tokens, so exact
buckets (|d| < 8), logarithmic ones and the clamp at max_distance all occur.

Weights: transformers' own init, then every parameter redrawn from one generator in sorted-name
order (T5's init scales for the linears: q ~ 1/sqrt(d_model d_kv), k, v, wi ~ 1/sqrt(d_model),
o ~ 1/sqrt(inner), wo ~ 1/sqrt(d_ff); embedding randn; RMS norm weights 1 + 0.2 randn rather than
ones, the relative bias randn rather than small, so a wrong bucket or a dropped norm weight shows).
The script checks that nudging any tensor by 0.1 x its scale moves the output by more than 1e-4,
saves the model with save_pretrained(safe_serialization=True) (config.json + model.safetensors)
and reloads it with from_pretrained (bit-identical output).

Inputs: three prompts tokenised by transformers' T5Tokenizer (the slow, sentencepiece one) on the
committed tiny SentencePiece model (t5-tokenizer/spiece.model, T5's conventions), padding
"max_length" 24, truncation: one short (padded), one of medium length, one cut at 24 (</s> kept).
io.safetensors:
- `input_ids`, `attention_mask` [3, 24] I64
- `last_hidden_state` [3, 24, 32]: model(input_ids, attention_mask=attention_mask), as PixArt calls it
- `last_hidden_state_unmasked` [3, 24, 32]: model(input_ids) with no mask, as SD3 calls text_encoder_3
"""
import jano_shim  # noqa: F401  (must come before diffusers / transformers)
import hf_transformers

import math
import os
import shutil

import torch
from transformers import T5Config, T5EncoderModel, T5Tokenizer

from common import FIXTURES, REPO_ROOT, script_name, to_json, write

CASE = "v1_1_like"
CONFIG = dict(vocab_size=300, d_model=32, d_kv=8, num_heads=4, d_ff=48, num_layers=2,
              relative_attention_num_buckets=32, relative_attention_max_distance=16,
              feed_forward_proj="gated-gelu", layer_norm_epsilon=1e-6, dropout_rate=0.0,
              is_encoder_decoder=False, use_cache=False, tie_word_embeddings=False,
              pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
SEED = 21
MAX_LENGTH = 24
SPIECE = os.path.join(FIXTURES, "t5-tokenizer", "spiece.model")
PROMPTS = [
    "a red fox",
    "a small cabin in a misty forest, watercolor",
    "the old lighthouse on top of a snowy mountain under the stars, oil painting, highly detailed; 8k",
]


def scale(name, c):
    """The std each parameter is redrawn with (T5's own init scales; see the docstring)."""
    if name.endswith("layer_norm.weight"):
        return 0.2
    if name.endswith("relative_attention_bias.weight") or name in ("shared.weight", "encoder.embed_tokens.weight"):
        return 1.0
    if name.endswith(".q.weight"):
        return 1 / math.sqrt(c.d_model * c.d_kv)
    if name.endswith(".o.weight"):
        return 1 / math.sqrt(c.num_heads * c.d_kv)
    if name.endswith(".wo.weight"):
        return 1 / math.sqrt(c.d_ff)
    return 1 / math.sqrt(c.d_model)  # k, v, wi_0, wi_1


def build():
    torch.manual_seed(SEED)
    model = T5EncoderModel(T5Config(**CONFIG)).eval()
    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):  # tied shared / embed_tokens: drawn once
            mean = 1.0 if name.endswith("layer_norm.weight") else 0.0
            p.copy_(mean + scale(name, model.config) * torch.randn(p.shape, generator=g))
    return model


def forward(model, ids, mask):
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask).last_hidden_state


def check_sensitivity(model, ids, mask, base):
    g = torch.Generator().manual_seed(SEED + 2)
    dull = []
    for name, p in sorted(model.named_parameters()):
        keep = p.detach().clone()
        with torch.no_grad():
            p.add_(0.1 * scale(name, model.config) * torch.randn(p.shape, generator=g))
        moved = (forward(model, ids, mask) - base).abs().max().item()
        with torch.no_grad():
            p.copy_(keep)
        if moved <= 1e-4:
            dull.append(f"{name} ({moved:.1e})")
    if dull:
        raise SystemExit(f"t5: nudging these tensors does not move the output: {', '.join(dull)}")


def buckets_used(model, length):
    """The relative-position buckets a sequence of `length` reaches (transformers' own function)."""
    attn = model.encoder.block[0].layer[0].SelfAttention
    rel = torch.arange(length)[None, :] - torch.arange(length)[:, None]
    b = attn._relative_position_bucket(rel, bidirectional=True, num_buckets=attn.relative_attention_num_buckets,
                                       max_distance=attn.relative_attention_max_distance)
    return sorted(set(b.flatten().tolist()))


def main():
    print(f"t5: transformers {hf_transformers.transformers.__version__} from {os.path.relpath(hf_transformers.SOURCE, REPO_ROOT)}")
    tokenizer = T5Tokenizer(vocab_file=SPIECE)
    enc = tokenizer(PROMPTS, padding="max_length", max_length=MAX_LENGTH, truncation=True, return_tensors="pt")
    ids, mask = enc.input_ids, enc.attention_mask
    if mask[-1].sum() != MAX_LENGTH or mask[0].sum() >= MAX_LENGTH or ids[-1, -1] != tokenizer.eos_token_id:
        raise SystemExit("t5: the prompts no longer give a padded, a medium and a truncated (</s>-ended) row")

    model = build()
    out = forward(model, ids, mask)
    check_sensitivity(model, ids, mask, out)
    folder = os.path.join(FIXTURES, "t5", CASE)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder, safe_serialization=True)
    again = T5EncoderModel.from_pretrained(folder).eval()
    if not torch.equal(forward(again, ids, mask), out):
        raise SystemExit("t5: the saved model, reloaded, gives a different output")
    with torch.no_grad():
        unmasked = again(input_ids=ids).last_hidden_state

    used = buckets_used(model, MAX_LENGTH)
    meta = {
        "upstream": hf_transformers.UPSTREAM,
        "script": script_name(__file__),
        "description": "transformers T5EncoderModel (T5 v1.1: gated-gelu, RMS norms, shared relative bias), tiny random; "
                       "last_hidden_state with and without the attention mask",
        "model_class": "T5EncoderModel",
        "config": model.config.to_json_string(use_diff=False),
        "seed": str(SEED),
        "prompts": to_json(PROMPTS),
        "tokenizer": f"T5Tokenizer(vocab_file=t5-tokenizer/spiece.model) (slow, sentencepiece); "
                     f"padding='max_length', max_length={MAX_LENGTH}, truncation=True",
        "buckets_used": to_json(used),
    }
    write(os.path.join(folder, "io.safetensors"),
          {"input_ids": ids, "attention_mask": mask, "last_hidden_state": out, "last_hidden_state_unmasked": unmasked}, meta)
    print(f"  t5: tokens per prompt {mask.sum(1).tolist()}, buckets {len(used)} of {CONFIG['relative_attention_num_buckets']}, "
          f"output rms {out.pow(2).mean().sqrt():.4f}")


if __name__ == "__main__":
    main()
