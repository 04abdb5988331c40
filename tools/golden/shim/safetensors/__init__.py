"""Pure-Python stand-in for the `safetensors` package (Jano golden-fixture shim).

File format: 8-byte little-endian header length N, N bytes of JSON header
({name: {dtype, shape, data_offsets: [begin, end]}, optional "__metadata__": {str: str}}),
then the raw little-endian tensor bytes; offsets are relative to the end of the header.
"""
import json
import struct

__version__ = "0.0.0+jano"


def read_header(path):
    """Return (header dict, byte offset where the data starts)."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
    return header, 8 + n


def safe_open(filename, framework="pt", device="cpu"):
    from .torch import _SafeOpen

    if framework not in ("pt", "torch"):
        raise ValueError("this shim supports framework='pt' only")
    return _SafeOpen(filename, device)
