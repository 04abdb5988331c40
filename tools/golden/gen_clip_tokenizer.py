"""CLIP BPE tokenizer golden: openai/CLIP's own simple_tokenizer.py on its real vocabulary.

1. Converts openai's bpe_simple_vocab_16e6.txt.gz to Hugging Face's layout (vocab.json + merges.txt)
   in the git-ignored tools/golden/.upstream/openai-clip-hf/: the gz holds merges only (a header line,
   then one merge a line; openai uses lines 1..48894); the vocabulary is, in openai's order, the 256
   byte-level characters (bytes_to_unicode order), the same 256 with "</w>", the result of each merge,
   then <|startoftext|> (49406) and <|endoftext|> (49407). merges.txt is "#version: 0.2" and the
   48894 merges, as transformers' CLIPTokenizer reads it.
2. Tokenises a list of prompts with openai's SimpleTokenizer on the full vocabulary.
3. Writes a REDUCED vocabulary into the fixture folder (the full one is ~2 MB): the 512 byte-level
   tokens, the special tokens, and exactly the merges the prompts' BPE applied (recorded while
   openai's code ran: its loop asks `bigram in bpe_ranks` once per step, for the pair it merges
   next), each token with its id in the full vocabulary, merges in their original order. Keeping
   the applied merges suffices: at every step the reduced BPE sees the same word, the pair the full
   BPE chose is still present and every other candidate still ranks after it, and when the full BPE
   stops no candidate is left. The script proves it anyway: openai's tokenizer re-run with the
   reduced encoder and ranks must give the same ids for every prompt.

Writes Jano.Tests/Fixtures/golden/clip-tokenizer/{vocab.json, merges.txt, tokenizer_config.json, ids.json}.
Needs only python3 and python3-regex (no torch).
"""
import gzip
import json
import os

import openai_clip

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO_ROOT, "Jano.Tests", "Fixtures", "golden", "clip-tokenizer")
FULL_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".upstream", "openai-clip-hf")
CONTEXT = 77
MERGE_COUNT = 49152 - 256 - 2  # as openai (and transformers' CLIPTokenizer) slice the merges file

PROMPTS = [
    "a photo of a cat",
    "A Photo Of A CAT",
    "café crème brûlée",
    "a cat, a dog!",
    "12 34",
    "  lots   of\twhite\t\tspace\n\n here  ",
    "no\u00a0break and\u3000ideographic space",
    "zero\u200bwidth\x1cfile\u0085next\u2028line\x0bvt",
    "\x1c \x1fends\x1e\t\x1d",
    "a \U0001F431 under the \U0001F319",
    "it's the cat's toy, isn't it? they're here, we've gone, i'm sure, you'll see, he'd go",
    "'sun' and \"quotes\"",
    "state-of-the-art photo, 4k, f/2.8 -- hdr!!!",
    "salt & pepper; 100% (really) [sic] {x} <y>",
    "a <|startoftext|> b <|endoftext|> c",
    "москва и Ελλάδα",
    "東京タワー",
    "\U0001D400\U0001D401c math letters",
    "",
    " ".join(["a very long prompt about a red fox jumping over the lazy brown dog in a sunny meadow"] * 6),
]


def convert():
    """openai's merges file → (vocab list in id order, merges list), as SimpleTokenizer builds them."""
    st = openai_clip.simple_tokenizer()
    lines = gzip.open(openai_clip.BPE_GZ).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1:MERGE_COUNT + 1]]
    alphabet = list(st.bytes_to_unicode().values())
    vocab = alphabet + [c + "</w>" for c in alphabet] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return st, vocab, merges


def write_hf(folder, encoder, merges):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(encoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")


class RecordingRanks(dict):
    """bpe_ranks that remembers every merge openai's loop applies (the `bigram in bpe_ranks` test)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.applied = set()

    def __contains__(self, key):
        found = dict.__contains__(self, key)
        if found:
            self.applied.add(key)
        return found


def framed(tokens, sot, eot):
    """<|startoftext|> tokens <|endoftext|>, cut to 77 with <|endoftext|> last (openai's clip.tokenize,
    truncate=True; transformers' truncation keeps the same ids)."""
    ids = [sot] + tokens + [eot]
    if len(ids) > CONTEXT:
        ids = ids[:CONTEXT]
        ids[-1] = eot
    return ids


def main():
    st, vocab, merges = convert()
    tok = st.SimpleTokenizer(openai_clip.BPE_GZ)
    encoder = {t: i for i, t in enumerate(vocab)}
    assert encoder == tok.encoder, "conversion differs from SimpleTokenizer's own vocabulary"
    assert len(vocab) == 49408 and encoder["<|startoftext|>"] == 49406 and encoder["<|endoftext|>"] == 49407
    write_hf(FULL_OUT, encoder, merges)
    print(f"  wrote the full vocabulary ({len(vocab)} tokens, {len(merges)} merges) to {os.path.relpath(FULL_OUT, REPO_ROOT)}")

    ranks = RecordingRanks(tok.bpe_ranks)
    tok.bpe_ranks = ranks
    sot, eot = encoder["<|startoftext|>"], encoder["<|endoftext|>"]
    # A well-known check of the conversion: "a photo of a cat" is 320 1125 539 320 2368 in CLIP.
    assert tok.encode("a photo of a cat") == [320, 1125, 539, 320, 2368]
    tok.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}
    ranks.applied.clear()
    tokens = [tok.encode(p) for p in PROMPTS]

    kept = [m for m in merges if m in ranks.applied]
    reduced_vocab = vocab[:512] + ["".join(m) for m in kept] + ["<|startoftext|>", "<|endoftext|>"]
    reduced = {t: encoder[t] for t in reduced_vocab}

    # The proof: openai's tokenizer on the reduced vocabulary gives the same ids.
    check = st.SimpleTokenizer(openai_clip.BPE_GZ)
    check.encoder = reduced
    check.decoder = {v: k for k, v in reduced.items()}
    check.bpe_ranks = {m: i for i, m in enumerate(kept)}
    check.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}
    for p, t in zip(PROMPTS, tokens):
        again = check.encode(p)
        if again != t:
            raise SystemExit(f"reduced vocabulary tokenises {p!r} differently: {again} vs {t}")

    write_hf(OUT, reduced, kept)
    config = {
        "add_prefix_space": False,
        "bos_token": "<|startoftext|>",
        "do_lower_case": True,
        "eos_token": "<|endoftext|>",
        "errors": "replace",
        "model_max_length": CONTEXT,
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": "<|endoftext|>",
    }
    with open(os.path.join(OUT, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")
    cases = []
    for p, t in zip(PROMPTS, tokens):
        ids = framed(t, sot, eot)
        cases.append({
            "prompt": p,
            "tokens": t,
            "input_ids": ids,
            "bpe": [check.decoder[i] for i in t],
        })
    doc = {
        "upstream": openai_clip.UPSTREAM,
        "script": "tools/golden/gen_clip_tokenizer.py",
        "description": "openai/CLIP simple_tokenizer.py (ftfy.fix_text as identity) on its full 49408-token vocabulary; "
                       "the vocab.json/merges.txt beside this file are the reduced vocabulary these prompts need "
                       "(ids as in the full one), checked by re-tokenising with openai's code on it. "
                       "input_ids: <|startoftext|> tokens <|endoftext|>, truncated to 77 keeping <|endoftext|> "
                       "(openai's clip.tokenize(prompt, truncate=True) before it pads with 0, the id of '!').",
        "vocabulary": {"full_tokens": len(vocab), "full_merges": len(merges),
                       "kept_tokens": len(reduced), "kept_merges": len(kept)},
        "cases": cases,
    }
    with open(os.path.join(OUT, "ids.json"), "w", encoding="utf-8") as f:
        # One case a line, so a diff shows which prompt changed.
        head = json.dumps({k: v for k, v in doc.items() if k != "cases"}, indent=1, ensure_ascii=False)
        body = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases)
        f.write(head[:-2] + ',\n "cases": [\n' + body + "\n ]\n}\n")
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "ids.json"):
        path = os.path.join(OUT, name)
        print(f"  wrote {os.path.relpath(path, REPO_ROOT)} ({os.path.getsize(path)} bytes)")
    print(f"  kept {len(kept)} of {len(merges)} merges, {len(reduced)} tokens")


if __name__ == "__main__":
    main()
