"""SD3's prompt composition golden: diffusers v0.32.2's StableDiffusion3Pipeline.encode_prompt run with
transformers v4.30.0's own text encoders and tokenizers on the folder `jano init-random --pipeline sd3
--seed 0` writes.

The folder P is loaded as a user would: StableDiffusion3Pipeline.from_pretrained(P, tokenizer_3=...),
so diffusers reads model_index.json and builds every component from P with from_pretrained: CLIPTokenizer
(the slow one: the `tokenizers` package is not here) from tokenizer/ and tokenizer_2/ (the committed
reduced CLIP vocabulary), CLIPTextModelWithProjection from text_encoder/ and text_encoder_2/,
T5EncoderModel from text_encoder_3/, the SD3 transformer (its joint_attention_dim), the VAE and the
scheduler. model_index.json names T5TokenizerFast for tokenizer_3, which needs `tokenizers`: the pipeline
is loaded with tokenizer_3=None and the slow T5Tokenizer.from_pretrained(P/tokenizer_3) (the tiny
SentencePiece model, T5's conventions) is registered in its place after loading (from_pretrained's type
check would want a fast tokenizer): the same pieces and framing (no BOS, </s> appended and kept under
truncation, pad 0); encode_prompt only calls it and its batch_decode.
Loading P also checks our writer's layout: every text encoder loads with no missing, unexpected or
mismatched key.

Cases (prompt / negative prompt pairs), each through encode_prompt(prompt, None, None,
negative_prompt=..., do_classifier_free_guidance=True) with the defaults (max_sequence_length 256,
clip_skip None: hidden_states[-2]):
- `t5`: the whole pipeline: caption [1, 77 + 256, J]
- `no_t5`: the same folder loaded with text_encoder_3=None, tokenizer_3=None: T5's rows are
  zeros of tokenizer_max_length (77) rows: caption [1, 77 + 77, J]
and pairs `short` ("a red bicycle" / "a blurry photo") and `long` (a prompt longer than 77 CLIP
tokens and than 256 T5 pieces, both cut; negative the empty prompt, what a pipeline call without
negative_prompt uses).

io.safetensors, per case and pair (`<case>_<pair>_...`): prompt_embeds, negative_prompt_embeds,
pooled_prompt_embeds, negative_pooled_prompt_embeds; per pair the token ids transformers' tokenizers
gave (`<pair>_clip_ids`, `<pair>_negative_clip_ids` [1, 77] from tokenizer (tokenizer_2 gives the
same: one vocabulary), `<pair>_t5_ids`, `<pair>_negative_t5_ids` [1, 256]).

P is not saved (the C# test regenerates it: init-random is deterministic for a seed; checked here by
writing it twice and comparing every file byte for byte). Needs the .NET build of tools/Jano.Cli
(Release); run.sh builds it and skips this script without dotnet.
"""
import jano_shim  # noqa: F401  (must come before diffusers / transformers)
import hf_transformers

import os
import shutil
import tempfile

import torch
from transformers import T5Tokenizer

from common import FIXTURES, script_name, to_json, write
from gen_init_random_pipeline import JANO, same_tree, sh
from gen_pipeline import COMPILER_STAND_IN, STAND_IN  # torch.compiler.disable stand-in; STAND_IN is False here


from diffusers import StableDiffusion3Pipeline  # noqa: E402
import diffusers  # noqa: E402
import transformers  # noqa: E402

# encode_prompt warns about every truncation, diffusers about the VAE's unused encoder half: expected here.
transformers.logging.set_verbosity_error()
diffusers.logging.set_verbosity_error()

SEED = 0
PAIRS = {
    "short": ("a red bicycle", "a blurry photo"),
    "long": (", ".join(["a red bicycle on top of a snowy mountain under the stars"] * 12) + ", oil painting", ""),
}
CLIP_MAX, T5_MAX = 77, 256


def load(P, with_t5):
    extra = dict(tokenizer_3=None) if with_t5 else dict(text_encoder_3=None, tokenizer_3=None)
    pipe = StableDiffusion3Pipeline.from_pretrained(P, **extra)
    if with_t5:  # after loading: from_pretrained's type check wants a PreTrainedTokenizerFast for tokenizer_3
        pipe.register_modules(tokenizer_3=T5Tokenizer.from_pretrained(os.path.join(P, "tokenizer_3")))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def check_text_encoders_load_cleanly(P):
    from transformers import CLIPTextModelWithProjection, T5EncoderModel
    for sub, cls in (("text_encoder", CLIPTextModelWithProjection), ("text_encoder_2", CLIPTextModelWithProjection),
                     ("text_encoder_3", T5EncoderModel)):
        _, info = cls.from_pretrained(os.path.join(P, sub), output_loading_info=True)
        bad = {k: v for k, v in info.items() if v}
        # v4.30.0 lists the tied encoder.embed_tokens.weight as missing when a file holds shared.weight only
        # (as its own save_pretrained writes it); it is tied to shared.weight, so nothing is left uninitialised.
        if bad.get("missing_keys") and set(bad["missing_keys"]) <= {"encoder.embed_tokens.weight"}:
            del bad["missing_keys"]
        if bad:
            raise SystemExit(f"{sub}: loading with {cls.__name__} reports {bad}")


def main():
    if STAND_IN:
        raise SystemExit("gen_pipeline installed its transformers stand-in: hf_transformers must come first")
    print(f"sd3_prompt: transformers {hf_transformers.transformers.__version__}, torch.compiler.disable stand-in {COMPILER_STAND_IN}")
    if not os.path.isfile(JANO[1]):
        raise SystemExit(f"missing {JANO[1]}: dotnet build tools/Jano.Cli -c Release")
    tmp = tempfile.mkdtemp(prefix="jano-golden-")
    try:
        P, P2 = os.path.join(tmp, "P"), os.path.join(tmp, "P2")
        command = ["jano", "init-random", "--pipeline", "sd3", "--out", "P", "--seed", str(SEED)]
        sh(JANO + command[1:5] + [P] + command[6:])
        sh(JANO + command[1:5] + [P2] + command[6:])
        same, files = same_tree(P, P2)
        if not same:
            raise SystemExit("init-random is not deterministic: two runs with one seed differ")
        check_text_encoders_load_cleanly(P)
        pipes = {"t5": load(P, True), "no_t5": load(P, False)}
        t5_pipe = pipes["t5"]
        if type(t5_pipe.tokenizer).__name__ != "CLIPTokenizer" or type(t5_pipe.text_encoder_3).__name__ != "T5EncoderModel":
            raise SystemExit(f"unexpected components: {type(t5_pipe.tokenizer).__name__}, {type(t5_pipe.text_encoder_3).__name__}")
        if t5_pipe.tokenizer_max_length != CLIP_MAX:
            raise SystemExit(f"tokenizer_max_length is {t5_pipe.tokenizer_max_length}, not {CLIP_MAX}")

        tensors, lengths = {}, {}
        for pair, (prompt, negative) in PAIRS.items():
            for name, text in (("", prompt), ("negative_", negative)):
                clip = t5_pipe.tokenizer(text, padding="max_length", max_length=CLIP_MAX, truncation=True, return_tensors="pt").input_ids
                clip2 = t5_pipe.tokenizer_2(text, padding="max_length", max_length=CLIP_MAX, truncation=True, return_tensors="pt").input_ids
                if not torch.equal(clip, clip2):
                    raise SystemExit("tokenizer and tokenizer_2 differ (one vocabulary in P)")
                t5 = t5_pipe.tokenizer_3(text, padding="max_length", max_length=T5_MAX, truncation=True,
                                         add_special_tokens=True, return_tensors="pt").input_ids
                tensors[f"{pair}_{name}clip_ids"], tensors[f"{pair}_{name}t5_ids"] = clip, t5
                lengths[f"{pair}_{name}untruncated"] = [len(t5_pipe.tokenizer(text).input_ids), len(t5_pipe.tokenizer_3(text).input_ids)]
            for case, pipe in pipes.items():
                with torch.no_grad():
                    pe, ne, pp, npp = pipe.encode_prompt(prompt, None, None, negative_prompt=negative,
                                                         do_classifier_free_guidance=True)
                again = pipe.encode_prompt(prompt, None, None, negative_prompt=negative, do_classifier_free_guidance=True)
                if not all(torch.equal(a, b) for a, b in zip((pe, ne, pp, npp), again)):
                    raise SystemExit(f"{case}/{pair}: two encode_prompt calls differ")
                for key, value in (("prompt_embeds", pe), ("negative_prompt_embeds", ne),
                                   ("pooled_prompt_embeds", pp), ("negative_pooled_prompt_embeds", npp)):
                    tensors[f"{case}_{pair}_{key}"] = value
        long_clip, long_t5 = lengths["long_untruncated"]
        if long_clip <= CLIP_MAX or long_t5 <= T5_MAX:
            raise SystemExit(f"the long prompt has {long_clip} CLIP tokens and {long_t5} T5 pieces: both must be cut")
        if lengths["short_untruncated"][0] >= CLIP_MAX:
            raise SystemExit("the short prompt is not short")

        te3 = t5_pipe.text_encoder_3.config
        meta = {
            "upstream": f"diffusers v0.32.2 (StableDiffusion3Pipeline.encode_prompt) + {hf_transformers.UPSTREAM}",
            "script": script_name(__file__),
            "description": "StableDiffusion3Pipeline.encode_prompt with transformers' CLIP-L, CLIP-G (WithProjection) and T5 "
                           "encoders and slow tokenizers, on `jano init-random --pipeline sd3 --seed 0`; with T5 and without",
            "jano_command": " ".join(command),
            "init_random_files": to_json(files),
            "init_random_deterministic": "two init-random runs with the same seed wrote identical bytes (checked)",
            "pairs": to_json({k: {"prompt": p, "negative_prompt": n} for k, (p, n) in PAIRS.items()}),
            "untruncated_lengths": to_json(lengths),
            "untruncated_lengths_note": "[CLIP tokens, T5 pieces] of each text with its special tokens, before truncation",
            "call": "pipe.encode_prompt(prompt, None, None, negative_prompt=negative_prompt, do_classifier_free_guidance=True) "
                    "-> (prompt_embeds, negative_prompt_embeds, pooled_prompt_embeds, negative_pooled_prompt_embeds)",
            "cases": to_json({"t5": "pipe = StableDiffusion3Pipeline.from_pretrained(P, tokenizer_3=None); "
                                    "pipe.register_modules(tokenizer_3=T5Tokenizer.from_pretrained(P/tokenizer_3))",
                              "no_t5": "StableDiffusion3Pipeline.from_pretrained(P, text_encoder_3=None, tokenizer_3=None)"}),
            "tokenizers": "CLIPTokenizer (slow; without ftfy transformers uses its BasicTokenizer clean-up: the same text "
                          "for these prompts), T5Tokenizer (slow, sentencepiece) in place of model_index.json's T5TokenizerFast",
            "joint_attention_dim": str(t5_pipe.transformer.config.joint_attention_dim),
            "t5_d_model": str(te3.d_model),
            "clip_widths": to_json([t5_pipe.text_encoder.config.hidden_size, t5_pipe.text_encoder_2.config.hidden_size]),
            "projection_dims": to_json([t5_pipe.text_encoder.config.projection_dim, t5_pipe.text_encoder_2.config.projection_dim]),
            "max_sequence_length": str(T5_MAX), "tokenizer_max_length": str(CLIP_MAX),
        }
        write(os.path.join(FIXTURES, "sd3-prompt", "io.safetensors"), tensors, meta)
        print(f"  sd3_prompt: caption rows t5 {tensors['t5_short_prompt_embeds'].shape[1]}, no_t5 "
              f"{tensors['no_t5_short_prompt_embeds'].shape[1]}, width {tensors['t5_short_prompt_embeds'].shape[2]}; "
              f"pooled {tensors['t5_short_pooled_prompt_embeds'].shape[1]}; lengths {lengths}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
