"""safetensors.torch for the Jano shim: save_file / load_file / save / load."""
import json
import struct

import torch

from . import read_header

_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
_BY_NAME = {v: k for k, v in _DTYPES.items()}


def _raw_bytes(t):
    t = t.detach().to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; same bits
    return t.numpy().tobytes()  # x86/ARM hosts are little-endian


def save(tensors, metadata=None):
    header, blobs, pos = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {t.dtype} not supported by the shim")
        data = _raw_bytes(t)
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save_file(tensors, filename, metadata=None):
    with open(filename, "wb") as f:
        f.write(save(tensors, metadata))


def _tensor(entry, buf, start):
    b, e = entry["data_offsets"]
    dtype = _BY_NAME[entry["dtype"]]
    raw = bytearray(buf[start + b:start + e])
    if dtype == torch.bfloat16:
        t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
    else:
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
    return t.reshape(entry["shape"])


def load(data):
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    return {k: _tensor(v, data, 8 + n) for k, v in header.items() if k != "__metadata__"}


def load_file(filename, device="cpu"):
    with open(filename, "rb") as f:
        return {k: v.to(device) for k, v in load(f.read()).items()}


class _SafeOpen:
    def __init__(self, filename, device):
        self._header, self._start = read_header(filename)
        with open(filename, "rb") as f:
            self._buf = f.read()
        self._device = device

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def keys(self):
        return [k for k in self._header if k != "__metadata__"]

    def metadata(self):
        return self._header.get("__metadata__")

    def get_tensor(self, name):
        return _tensor(self._header[name], self._buf, self._start).to(self._device)

    def get_slice(self, name):
        return self.get_tensor(name)


# transformers' pytorch_utils.id_tensor_storage names a tensor's storage by (device, pointer, size),
# to find tied weights before saving; these two give the storage's address and byte size.
def storage_ptr(tensor):
    try:
        return tensor.untyped_storage().data_ptr()
    except (AttributeError, NotImplementedError):
        return tensor.storage().data_ptr()


def storage_size(tensor):
    try:
        return tensor.untyped_storage().nbytes()
    except (AttributeError, NotImplementedError):
        return tensor.storage().size() * tensor.element_size()
