"""Aspect-ratio bins of diffusers' PixArt pipelines, as the pipelines themselves snap a requested size.

Writes Jano.Tests/Fixtures/golden/aspect_bins.json: for each bin table (256, 512, 1024 from
pipeline_pixart_alpha, 2048 from pipeline_pixart_sigma) and a list of requested (height, width),
the (height, width) that PixArtImageProcessor.classify_height_width_bin returns.
"""
import ast
import json
import os

import jano_shim  # noqa: F401  (must come before diffusers)
import common
import diffusers
from diffusers.image_processor import PixArtImageProcessor


def table(module_file, name):
    """A bin table as diffusers' pipeline module defines it, read from the source: importing the
    pipeline modules needs transformers (T5) and torch 2 APIs that this machine lacks."""
    path = os.path.join(os.path.dirname(diffusers.__file__), "pipelines", "pixart_alpha", module_file)
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise KeyError(name)


tables = {
    "256": table("pipeline_pixart_alpha.py", "ASPECT_RATIO_256_BIN"),
    "512": table("pipeline_pixart_alpha.py", "ASPECT_RATIO_512_BIN"),
    "1024": table("pipeline_pixart_alpha.py", "ASPECT_RATIO_1024_BIN"),
    "2048": table("pipeline_pixart_sigma.py", "ASPECT_RATIO_2048_BIN"),
}
requests = [(1024, 1024), (1024, 768), (768, 1024), (768, 1344), (1000, 1000), (512, 2048), (2048, 512),
            (720, 1280), (1080, 1920), (600, 800), (800, 600), (64, 96), (96, 64), (300, 1200), (1234, 567),
            (4096, 1024), (1024, 4096), (1536, 1536), (256, 256), (333, 777)]
out = {"upstream": common.UPSTREAM,
       "script": "tools/golden/gen_aspect_bins.py", "bins": {}}
for name, table in tables.items():
    out["bins"][name] = [[h, w, *PixArtImageProcessor.classify_height_width_bin(h, w, ratios=table)] for h, w in requests]
path = os.path.join(os.path.dirname(__file__), "..", "..", "Jano.Tests", "Fixtures", "golden", "aspect_bins.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
