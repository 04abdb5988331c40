#!/usr/bin/env python3
"""Make one GLIBCXX symbol-version requirement of an ELF shared library weak.

Why: TorchSharp-cpu 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so asks
for GLIBCXX_3.4.32, which Debian 12's libstdc++ (GLIBCXX_3.4.30) lacks; the loader then refuses the
whole library. The only symbol under that version is `std::ios_base_library_init()`, a link-time
anchor that GCC 13 emits for <iostream> and that is never called, so the library works without it.
Marking the requirement VER_FLG_WEAK in .gnu.version_r turns the loader's hard error into nothing
(ld.so only warns for missing weak versions under LD_DEBUG).

Usage: fix-glibcxx.py FILE.so [VERSION]   (VERSION defaults to GLIBCXX_3.4.32). Idempotent: a file
already patched, or one without that requirement, is left as it is.
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_verneed = 0x6FFFFFFE


def patch(path: str, wanted: str) -> str:
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return "not a little-endian ELF64 file"

    # ELF64 header: section header table offset, entry size, count, and the section-name table index.
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]

    for sh_name, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _ in sections:
        if sh_type != SHT_GNU_verneed:
            continue
        strtab = sections[sh_link][4]  # offset of the string table this section's names point into
        offset = sh_offset
        for _ in range(sh_info):  # sh_info = number of Verneed entries (one per needed library)
            _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, offset)
            aux = offset + vn_aux
            for _ in range(vn_cnt):
                _, vna_flags, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                end = data.index(b"\0", strtab + vna_name)
                name = data[strtab + vna_name:end].decode()
                if name == wanted:
                    if vna_flags & VER_FLG_WEAK:
                        return f"{wanted} already weak"
                    struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                    with open(path, "wb") as f:
                        f.write(data)
                    return f"{wanted} made weak"
                aux += vna_next
            if vn_next == 0:
                break
            offset += vn_next
    return f"no {wanted} requirement"


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    version = sys.argv[2] if len(sys.argv) == 3 else "GLIBCXX_3.4.32"
    print(f"fix-glibcxx: {sys.argv[1]}: {patch(sys.argv[1], version)}")
