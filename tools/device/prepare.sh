#!/usr/bin/env bash
# Here (no GPU needed): publishes tools/Jano.Device self-contained for linux-x64 (the GPU machine has no
# .NET), packs it with zstd -19 and splits it into parts small enough for one device call each (a call
# carries at most 64 MiB together with the working tree). Writes .device/ (git-ignored):
#   .device/parts/jano-device.tar.zst.NN     the parts, one per staging call
#   .device/SHA256SUMS                       checked on the device before unpacking
# and prints the calls to make (tools/device/README.md). The part size leaves room for the working tree,
# which travels with every call: PART_MIB = 60 − its size in MiB, unless PART_MIB is set.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
tree_mib=$(( $(git ls-files -co --exclude-standard -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) / 1048576 + 1 ))
PART_MIB="${PART_MIB:-$(( 60 - tree_mib ))}"
[ "$PART_MIB" -ge 8 ] || { echo "the working tree ($tree_mib MiB) leaves no room for parts; ignore or remove something" >&2; exit 1; }
echo "working tree: $tree_mib MiB; parts of $PART_MIB MiB"
out=.device
rm -rf "$out" && mkdir -p "$out/parts"

echo "publishing tools/Jano.Device (self-contained, linux-x64)"
dotnet publish tools/Jano.Device/Jano.Device.csproj -c Release -r linux-x64 --self-contained \
  -o "$out/publish" -v quiet -nologo >/dev/null
echo "packing $(du -sh "$out/publish" | cut -f1) with zstd -19"
tar -C "$out/publish" -cf - . | zstd -19 -T0 -q -o "$out/jano-device.tar.zst"
split -b "${PART_MIB}M" -d -a 2 "$out/jano-device.tar.zst" "$out/parts/jano-device.tar.zst."
(cd "$out" && sha256sum jano-device.tar.zst > SHA256SUMS)
rm -rf "$out/publish" "$out/jano-device.tar.zst"

parts=("$out"/parts/*)
echo "$(du -ch "${parts[@]}" | tail -1 | cut -f1) in ${#parts[@]} parts of at most $PART_MIB MiB"
echo
echo "device calls (run tool), one per part, back to back so the machine stays warm (30 s):"
for p in "${parts[@]}"; do
  echo "  carry [\"$p\"]  command: bash tools/device/on-device.sh stage"
done
echo "  carry [\".device/SHA256SUMS\"]  command: bash tools/device/on-device.sh run   (timeout_s 540)"
