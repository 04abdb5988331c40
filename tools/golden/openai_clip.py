"""Loads openai/CLIP's own modules (clip/model.py, clip/simple_tokenizer.py) from the git-ignored
tools/golden/.upstream/openai-clip/ (fetch_openai_clip.sh fills it) without importing the `clip`
package itself: its __init__ pulls in clip.py, which needs torchvision and PIL, neither used here.

simple_tokenizer imports ftfy, which Debian does not package. Its one use is ftfy.fix_text (repairs
mojibake, normalises to NFC); the stand-in is the identity, exact for the prompts the fixtures use
(valid UTF-8, already NFC, no mojibake).
"""
import importlib.util
import os
import sys
import types

COMMIT = "d05afc436d78f1c48dc0dbf8e5980a9d471f35f6"
UPSTREAM = f"openai/CLIP {COMMIT}"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".upstream", "openai-clip", "clip")
BPE_GZ = os.path.join(ROOT, "bpe_simple_vocab_16e6.txt.gz")


def _load(name):
    path = os.path.join(ROOT, name + ".py")
    if not os.path.exists(path):
        raise SystemExit(f"missing {path}: run tools/golden/fetch_openai_clip.sh first")
    spec = importlib.util.spec_from_file_location("openai_clip_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def simple_tokenizer():
    if "ftfy" not in sys.modules:
        ftfy = types.ModuleType("ftfy")
        ftfy.fix_text = lambda text: text
        sys.modules["ftfy"] = ftfy
    return _load("simple_tokenizer")


def model():
    return _load("model")
