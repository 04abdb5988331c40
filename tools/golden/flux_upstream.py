"""diffusers v0.32.2's FLUX pipeline helpers, imported from the pipeline module itself (import after
jano_shim): FluxPipeline._pack_latents, _unpack_latents, _prepare_latent_image_ids and
calculate_shift, the functions the FLUX fixtures and the trainer check need besides the model.

pipeline_flux.py imports six names from transformers at import time (type hints and isinstance
checks never reached here) and four loader mixins diffusers.loaders exports only beside
transformers, and pipeline_utils.py uses torch.compiler (torch >= 2.1); as in gen_sd3_pipeline.py
and gen_pipeline.py, a stand-in transformers module whose classes refuse to be built, empty mixin
classes and an identity torch.compiler.disable let the module import. No text encoder is ever built."""
import importlib.util
import sys
import types

import diffusers  # noqa: F401  (availability flags are computed here, before the stand-in)


def _install_transformers_stand_in():
    if "transformers" in sys.modules or importlib.util.find_spec("transformers") is not None:
        return False
    mod = types.ModuleType("transformers")

    class _NeverBuilt:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("stand-in for transformers: the FLUX goldens never build a text encoder")

    for name in ("CLIPImageProcessor", "CLIPTextModel", "CLIPTokenizer", "CLIPVisionModelWithProjection",
                 "T5EncoderModel", "T5TokenizerFast", "PreTrainedModel"):
        setattr(mod, name, type(name, (_NeverBuilt,), {}))
    sys.modules["transformers"] = mod
    return True


def _install_loader_mixins():
    import diffusers.loaders as loaders
    made = []
    for name in ("FluxIPAdapterMixin", "FluxLoraLoaderMixin", "FromSingleFileMixin", "TextualInversionLoaderMixin"):
        try:
            getattr(loaders, name)
        except (AttributeError, ImportError):
            setattr(loaders, name, type(name, (), {}))
            made.append(name)
    return made


def _install_torch_compiler_disable():
    import torch
    if hasattr(torch, "compiler"):
        return False
    torch.compiler = types.SimpleNamespace(disable=lambda fn=None, recursive=True: fn if fn is not None else (lambda f: f))
    return True


STAND_IN = _install_transformers_stand_in()
MIXINS = _install_loader_mixins()
COMPILER_STAND_IN = _install_torch_compiler_disable()
from diffusers.pipelines.flux import pipeline_flux  # noqa: E402

FluxPipeline = pipeline_flux.FluxPipeline
calculate_shift = pipeline_flux.calculate_shift


def pack(latents):
    """[B, C, H, W] -> [B, (H/2)(W/2), 4C], FluxPipeline._pack_latents."""
    b, c, h, w = latents.shape
    return FluxPipeline._pack_latents(latents, b, c, h, w)


def unpack(tokens, height, width):
    """[B, (H/2)(W/2), 4C] -> [B, C, H, W] for a latent of H x W (vae_scale_factor 1: no VAE)."""
    return FluxPipeline._unpack_latents(tokens, height, width, 1)


def image_ids(height, width):
    """[(H/2)(W/2), 3] ids (0, row, col) of a packed H x W latent, FluxPipeline._prepare_latent_image_ids."""
    import torch
    return FluxPipeline._prepare_latent_image_ids(1, height // 2, width // 2, torch.device("cpu"), torch.float32)
