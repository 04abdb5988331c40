"""Reads every golden fixture back with a standalone reader (struct + json + array,
no torch, no shim) and prints a summary; exits 1 on any malformed file.

Checks: header length and JSON, dtypes known, data_offsets contiguous from 0 and
matching shape x element size, file size = 8 + header + data, no NaN/Inf in float
tensors, `__metadata__` with `upstream` and `script` (model weight files written by
save_pretrained carry diffusers' own {"format": "pt"} instead and are listed as such).
"""
import array
import json
import math
import os
import struct
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "Jano.Tests", "Fixtures", "golden")
SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
CODES = {"F64": "d", "F32": "f"}


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    data = blob[8 + n:]
    errors, pos, stats = [], 0, {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, end = e["data_offsets"]
        count = math.prod(e["shape"])
        if e["dtype"] not in SIZES:
            errors.append(f"{name}: unknown dtype {e['dtype']}")
            continue
        if b != pos or end - b != count * SIZES[e["dtype"]]:
            errors.append(f"{name}: offsets {b}..{end} do not follow on at {pos} for {count} x {e['dtype']}")
        pos = end
        if e["dtype"] in CODES:
            vals = array.array(CODES[e["dtype"]])
            vals.frombytes(data[b:end])
            if sys.byteorder != "little":
                vals.byteswap()
            if any(not math.isfinite(v) for v in vals):
                errors.append(f"{name}: non-finite values")
            if count:
                stats[name] = (min(vals), max(vals), math.sqrt(sum(v * v for v in vals) / count))
    if pos != len(data):
        errors.append(f"data section is {len(data)} bytes, tensors cover {pos}")
    return header, meta, stats, errors, len(blob)


def main():
    bad, total, files = 0, 0, 0
    for dirpath, _, names in sorted(os.walk(GOLDEN)):
        for fn in sorted(names):
            if not fn.endswith(".safetensors"):
                continue
            path = os.path.join(dirpath, fn)
            header, meta, stats, errors, size = read(path)
            files += 1
            total += size
            rel = os.path.relpath(path, GOLDEN)
            weights = meta == {"format": "pt"}
            if not weights and (not meta or "upstream" not in meta or "script" not in meta):
                errors.append("__metadata__ lacks upstream/script")
            kind = "weights (save_pretrained)" if weights else f"upstream={meta.get('upstream') if meta else None}"
            print(f"{rel}: {size} bytes, {len(header)} tensors, {kind}")
            if not weights:
                for name in sorted(header, key=_natural):
                    e = header[name]
                    s = stats.get(name)
                    extra = f"  min {s[0]:.5g} max {s[1]:.5g} rms {s[2]:.5g}" if s else ""
                    print(f"    {name:28s} {e['dtype']:4s} {e['shape']}{extra}")
            for err in errors:
                print(f"    ERROR {err}")
            bad += bool(errors)
    print(f"{files} fixture files, {total} bytes in all, {bad} with errors")
    return 1 if bad or not files else 0


def _groups(header):
    """'sample_0..6 [1,4,8,8] F32'-style summary of a header's tensor names."""
    groups = {}
    for name in sorted(header, key=_natural):
        e = header[name]
        head, idx = _natural(name)
        key = (head if idx >= 0 else name, e["dtype"], tuple(e["shape"]))
        groups.setdefault(key, []).append(idx)
    parts = []
    for (head, dtype, shape), idxs in groups.items():
        label = head if idxs == [-1] else f"{head}_{min(idxs)}..{max(idxs)}" if len(idxs) > 1 else f"{head}_{idxs[0]}"
        parts.append(f"`{label}` {list(shape)} {dtype}".replace(" ]", "]"))
    return ", ".join(parts)


README_HEAD = """# Golden fixtures (from the reference implementation)

Written by `bash tools/golden/run.sh` (see `tools/golden/README.md`); do not edit by hand:
this file is regenerated from the fixtures' own metadata. Each `.safetensors` here holds
`__metadata__` with `upstream` (the diffusers release that computed it), `script`,
`config` (the JSON config used; non-finite numbers as the strings "Infinity"/"-Infinity")
and what its case needs. Model folders (`vae/<case>/`, `pixart/<case>/`) are diffusers'
own layout: `config.json` plus `diffusion_pytorch_model.safetensors` written by
`save_pretrained` (its metadata is diffusers' `{"format": "pt"}`; `io.safetensors`
beside it names the upstream version). Sizes in bytes. Tensors are F32 unless a dtype says otherwise.

| file | holds | tensors | script | upstream | bytes |
| --- | --- | --- | --- | --- | ---: |
"""


def write_readme():
    rows, total = [], 0
    for dirpath, _, names in sorted(os.walk(GOLDEN)):
        for fn in sorted(names):
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, GOLDEN)
            if fn == "README.md":
                continue
            size = os.path.getsize(path)
            total += size
            cfg_path = os.path.join(dirpath, "config.json")
            io_meta = None
            io_path = os.path.join(dirpath, "io.safetensors")
            parent = os.path.dirname(dirpath)
            if not os.path.exists(io_path) and os.path.exists(os.path.join(parent, "model_index.json")):
                io_path = os.path.join(parent, "io.safetensors")  # a component folder of a saved pipeline
            if os.path.exists(io_path):
                io_meta = read(io_path)[1]
            if fn.endswith(".safetensors"):
                header, meta, _, _, _ = read(path)
                if meta == {"format": "pt"}:
                    cfg = json.load(open(cfg_path)) if os.path.exists(cfg_path) else {}
                    cls = _config_class(cfg)
                    how = "transformers layout" if "architectures" in cfg else "save_pretrained"
                    what = f"{cls} weights ({how}), {len(header)} tensors"
                    tens = "transformers parameter names" if "architectures" in cfg else "diffusers parameter names"
                    meta = io_meta or {}
                else:
                    what = meta.get("description", "")
                    tens = _groups(header)
            elif fn == "model_index.json":
                index = json.load(open(path))
                what = f"{index.get('_class_name', '?')} index (save_pretrained, diffusers {index.get('_diffusers_version', '?')})"
                tens, meta = "", io_meta or {}
            elif fn in ("config.json", "scheduler_config.json"):
                cfg = json.load(open(path))
                if "architectures" in cfg:
                    what = f"{_config_class(cfg)} config (transformers layout)"
                else:
                    what = f"{cfg.get('_class_name', '?')} config (diffusers {cfg.get('_diffusers_version', '?')})"
                tens, meta = "", io_meta or {}
            elif fn == "aspect_bins.json":
                bins = json.load(open(path))
                what, tens, meta = "sizes diffusers' PixArtImageProcessor snaps 20 requests to, per bin table (256, 512, 1024, 2048)", "", bins
            elif os.path.exists(os.path.join(dirpath, "ids.json")) and "sentencepiece_version" in json.load(open(os.path.join(dirpath, "ids.json"))):
                # The T5 tokenizer fixture: a small unigram model trained and applied by Debian's sentencepiece.
                ids = json.load(open(os.path.join(dirpath, "ids.json")))
                meta = {"script": ids.get("generator", ""), "upstream": f"sentencepiece {ids.get('sentencepiece_version', '?')}"}
                what = {"ids.json": "sentencepiece's pieces and T5-framed ids of the test prompts",
                        "spiece.model": "a small unigram model trained with T5's conventions (pad 0, eos 1, unk 2, no bos)"}.get(fn, "")
                tens = ""
            elif os.path.exists(os.path.join(dirpath, "ids.json")):
                # The CLIP tokenizer fixture: ids.json names its upstream and script for the folder.
                meta = json.load(open(os.path.join(dirpath, "ids.json")))
                what = {"ids.json": "openai/CLIP tokenizer ids of the test prompts",
                        "vocab.json": "reduced CLIP vocabulary (token -> id of the full one)",
                        "merges.txt": "the merges those prompts apply, in rank order",
                        "tokenizer_config.json": "CLIPTokenizer config (pads with the EOS token)"}.get(fn, "")
                tens = ""
            else:
                what, tens, meta = "", "", {}
            rows.append(f"| `{rel}` | {what} | {tens} | `{meta.get('script', '')}` | {meta.get('upstream', '')} | {size} |")
    text = README_HEAD + "\n".join(rows) + f"\n\nIn all: {total} bytes in {len(rows)} files.\n"
    with open(os.path.join(GOLDEN, "README.md"), "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(os.path.join(GOLDEN, 'README.md'), ROOT)}")


def _config_class(cfg):
    """diffusers configs name their class in _class_name, transformers configs in architectures."""
    return cfg.get("_class_name") or (cfg.get("architectures") or ["?"])[0]


def _natural(name):
    head, _, tail = name.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (name, -1)


if __name__ == "__main__":
    rc = main()
    if rc == 0 and "--readme" in sys.argv:
        write_readme()
    sys.exit(rc)
