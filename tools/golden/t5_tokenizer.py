#!/usr/bin/python3
"""Golden fixture for Jano's T5 tokenizer: a small SentencePiece unigram model with T5's
conventions and the ids sentencepiece itself gives for a list of prompts.

Run with Debian's python3-sentencepiece (apt-get install python3-sentencepiece):
    /usr/bin/python3 tools/golden/t5_tokenizer.py
Writes Jano.Tests/Fixtures/golden/t5-tokenizer/{spiece.model, ids.json}.

T5's spiece.model (t5-v1_1, flan-t5, PixArt's text encoder) is a unigram model with pad 0,
eos 1 (</s>), unk 2, no bos, nmt_nfkc normalisation (a precompiled NFKC chars map), a dummy
"▁" prefix, extra whitespace removed and no byte fallback; the model trained here has the same
settings at a vocabulary of 300, so the C# tokenizer is checked on every code path T5's own
model exercises (normalisation, unknown characters, whitespace) without a 32k download.

The T5 framing of `input_ids` (no BOS; truncate to max_length - 1 pieces, append </s>; pad
with 0 to max_length; attention mask 1 on real tokens) is what transformers' T5Tokenizer does
with truncation=True, padding="max_length", add_special_tokens=True; it is computed here from
sentencepiece's ids so the fixture holds both the raw encoding and the framed one.
"""
import json
import os
import sys

import sentencepiece as spm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Jano.Tests", "Fixtures", "golden", "t5-tokenizer")
MAX_LENGTH = 24
PAD, EOS, UNK = 0, 1, 2

SUBJECTS = ["a cat", "the old lighthouse", "a red fox", "two dogs", "a small cabin", "an astronaut",
            "a bowl of ramen", "the city skyline", "a café", "a crème brûlée", "a naïve robot",
            "the résumé", "a jalapeño pizza", "an über-modern chair", "a piñata", "a fiancée"]
PLACES = ["on top of a snowy mountain", "in a misty forest", "at the beach", "under the stars",
          "in Paris", "near a river", "inside a glass dome", "on Mars", "in the year 2049",
          "beside 3 tall trees", "at 7:30 pm", "on floor 12"]
STYLES = ["oil painting", "photograph, 35mm", "watercolor", "digital art (trending)", "pixel-art",
          "highly detailed; 8k", "sketch!", "\"cinematic\" lighting", "soft light & shadows",
          "100% realistic", "isometric view?", "artstation — concept art"]


def corpus_lines():
    lines = []
    for i, s in enumerate(SUBJECTS):
        for j, p in enumerate(PLACES):
            style = STYLES[(i + j) % len(STYLES)]
            lines.append(f"{s} {p}, {style}")
            lines.append(f"{s.capitalize()} {p.upper() if (i * j) % 7 == 3 else p}. Number {i * 37 + j}, {style}")
    lines.append("The quick brown fox jumps over the lazy dog 0123456789 times.")
    lines.append("Punctuation: commas, periods. Question? Exclamation! (Parens) [brackets] {braces} 'single' \"double\" #hash @at $5 & 3.14 - 2024-05-17")
    return lines


PROMPTS = [
    "a photo of a cat",
    "A Small Cabin On Top Of A Snowy Mountain In The Style Of Disney, artstation",
    "café crème",
    "cafe\u0301 cre\u0300me",                       # decomposed accents: NFKC composes them
    "Hello, world! (really?) — yes: 100%; #1 & 'quotes' \"double\" [x] {y}",
    "digits 0123456789 and 3.14159 and 2024-05-17",
    "repeated    spaces   and\ttabs\nand newline",
    "   leading and trailing spaces   ",
    "full-width \uff21\uff22\uff23 \uff11\uff12\uff13",   # NFKC maps to ASCII
    "unknown 日本語 😀 characters",
    "😀😀 at the start, inside x😀y and at the end 日本",   # runs of unknown characters become one <unk>
    "     ",                                                # whitespace only: no pieces, </s> alone
    "UPPER CASE AND lower case, MiXeD",
    "an astronaut riding a horse on Mars at 7:30 pm, highly detailed oil painting of a jalapeño pizza "
    "under the stars beside 3 tall trees in a misty forest, cinematic lighting, artstation concept art",
    "",
]


def main():
    os.makedirs(OUT, exist_ok=True)
    corpus = os.path.join(OUT, "corpus.tmp.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus_lines()) + "\n")
    prefix = os.path.join(OUT, "spiece")
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, model_type="unigram", vocab_size=300,
        pad_id=PAD, eos_id=EOS, unk_id=UNK, bos_id=-1,
        pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>",
        normalization_rule_name="nmt_nfkc", add_dummy_prefix=True, remove_extra_whitespaces=True,
        byte_fallback=False, character_coverage=1.0, hard_vocab_limit=False,
        num_threads=1, shuffle_input_sentence=False, minloglevel=2)
    os.remove(corpus)
    os.remove(prefix + ".vocab")

    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    cases = []
    for text in PROMPTS:
        ids = sp.encode(text, out_type=int)
        framed = ids[: MAX_LENGTH - 1] + [EOS]
        cases.append({
            "text": text,
            "pieces": sp.encode(text, out_type=str),
            "ids": ids,
            "input_ids": framed + [PAD] * (MAX_LENGTH - len(framed)),
            "attention_mask": [1] * len(framed) + [0] * (MAX_LENGTH - len(framed)),
        })
    golden = {
        "generator": "tools/golden/t5_tokenizer.py",
        "sentencepiece_version": spm.__version__,
        "python": sys.version.split()[0],
        "model": "spiece.model",
        "vocab_size": sp.get_piece_size(),
        "pad_id": PAD, "eos_id": EOS, "unk_id": UNK,
        "max_length": MAX_LENGTH,
        "cases": cases,
    }
    with open(os.path.join(OUT, "ids.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: vocab {sp.get_piece_size()}, sentencepiece {spm.__version__}")


if __name__ == "__main__":
    main()
