"""Puts Hugging Face transformers v4.30.0 (its own source, fetched by fetch_upstream.sh into the
git-ignored .upstream/transformers-v4.30.0/) on the path of a golden script.

Import after jano_shim and before diffusers: diffusers decides at import time whether transformers
is there (importlib find_spec plus the package metadata, which shim/transformers-meta/ gives: the
fetched tree is not an installed package). Only the scripts that need transformers import this
module, so the others keep their stand-ins (gen_pipeline.py, gen_sd3_pipeline.py).

Three gaps are filled; nothing of transformers' modelling or tokenising code is replaced:
- AddedToken.__str__: without the `tokenizers` package (a Rust wheel, not in Debian) v4.30.0 falls back
  to its own AddedToken dataclass (tokenization_utils_base), which lacks the __str__ = content that
  tokenizers' AddedToken has and that the slow tokenizers rely on (bos_token is str(self._bos_token)):
  CLIPTokenizer's special tokens would otherwise be the dataclass's repr, unknown to the vocabulary.
- BaseImageProcessor: StableDiffusion3Pipeline imports it from the top level of transformers; v4.30.0
  defines it (image_processing_utils) but does not export it there: the real class is exported.
- SiglipImageProcessor, SiglipVisionModel: diffusers.loaders.ip_adapter imports them whenever
  transformers is there (SD3's IP-Adapter image encoder); SigLIP came in transformers 4.37. Classes of
  those names that refuse to be built stand in: no fixture loads an IP-Adapter.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TAG = "v4.30.0"
COMMIT = "905892f09027cab690918c7766fea1bb51bcdd26"
UPSTREAM = f"transformers {TAG}"
SOURCE = os.path.join(HERE, ".upstream", f"transformers-{TAG}", "src")

if "diffusers" in sys.modules:
    raise SystemExit("import hf_transformers before diffusers (diffusers checks for transformers when it is imported)")
if not os.path.isdir(os.path.join(SOURCE, "transformers")):
    raise SystemExit(f"missing {SOURCE}/transformers: run tools/golden/fetch_upstream.sh with a transformers clone first")
for path in (os.path.join(HERE, "shim", "transformers-meta"), SOURCE):
    if path not in sys.path:
        sys.path.insert(0, path)

import transformers  # noqa: E402
from transformers.image_processing_utils import BaseImageProcessor  # noqa: E402

if os.path.realpath(os.path.dirname(transformers.__file__)) != os.path.realpath(os.path.join(SOURCE, "transformers")):
    raise SystemExit(f"transformers was imported from {transformers.__file__}, not from {SOURCE}")
if transformers.__version__ != TAG[1:]:
    raise SystemExit(f"transformers {transformers.__version__} found, {TAG} expected")
if importlib.util.find_spec("tokenizers") is not None:
    print("  note: the tokenizers package is installed; the fixtures still use the slow (pure-Python) tokenizers")
transformers.BaseImageProcessor = BaseImageProcessor

from transformers import tokenization_utils_base as _tub  # noqa: E402

ADDED_TOKEN_STR = False
if importlib.util.find_spec("tokenizers") is None and "__str__" not in vars(_tub.AddedToken):
    _tub.AddedToken.__str__ = lambda self: self.content
    ADDED_TOKEN_STR = True


class _NotInThisVersion:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"stand-in for {type(self).__name__}: not in transformers {TAG} (the golden fixtures never build it)")


STAND_INS = []
for _name in ("SiglipImageProcessor", "SiglipVisionModel"):
    if not hasattr(transformers, _name):
        setattr(transformers, _name, type(_name, (_NotInThisVersion,), {}))
        STAND_INS.append(_name)
