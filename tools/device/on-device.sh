#!/usr/bin/env bash
# On the GPU machine (tools/device/README.md), from the repository root:
#   on-device.sh stage    keeps the part(s) this call carried under .device/parts in $STAGE
#   on-device.sh run      checks and unpacks the staged publish, then runs the checks of issue #7 and
#                         writes $OUT/report.md (plus logs):
#     (a) every CUDA test of Jano.Tests (kernel fixtures on the IlgpuCuda and CudaDriverPtx backends, the
#         CUDA step device, the device-resident pipeline against the CPU one, CUDA provider tests)
#     (b) dense vs Jano on random PixArt-XL-shaped (28 × 1152) fp16 packages at 1024 and 4096 tokens,
#         mask forced to 25% active / 25% medium (tools/scaling-study.sh, provider cuda)
#     (c) our CUDA attention kernel against ONNX Runtime's MultiHeadAttention on the same shapes
#     (d) our dense fp16 step against PyTorch's (tools/device/torch_step.py), after checking the PyTorch
#         forward against model.onnx on the shipped default model; ours with device-resident buffers
#         (ONNX Runtime attention, then our kernel) and with host buffers (the loop before it was device-resident)
# Also runs here (no GPU): every step then reports the missing GPU, which is how the script is tested.
# QUICK=1 shortens (b) and (d) to the 1024-token package; CONFIGS="..." names others (tools/scaling-study.sh --list).
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
STAGE="${STAGE:-/tmp/jano-stage}"
APP="${APP:-/tmp/jano-app}"
OUT="${OUT:-/tmp/jano-out}"
mkdir -p "$STAGE" "$OUT"

case "${1:-}" in
  stage)
    cp .device/parts/* "$STAGE"/
    ls -l "$STAGE"
    exit 0 ;;
  run) ;;
  *) echo "usage: on-device.sh stage|run" >&2; exit 2 ;;
esac

report="$OUT/report.md"
say() { echo "$*" | tee -a "$report"; }
section() { printf '\n## %s\n\n' "$*" | tee -a "$report"; }
: > "$report"
say "# Jano.NET device report, $(date -u '+%Y-%m-%d %H:%M') UTC"
say ""
say "- machine: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo 'no NVIDIA GPU'), $(nproc) CPU cores"
say "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# Unpack (verified) unless this machine already has it.
if [ ! -x "$APP/jano-device" ]; then
  (cd "$STAGE" && cat jano-device.tar.zst.* > jano-device.tar.zst && cp "$repo/.device/SHA256SUMS" . && sha256sum -c SHA256SUMS) \
    || { say "staged parts are missing or corrupt: $(ls "$STAGE" 2>/dev/null | tr '\n' ' ')"; exit 1; }
  mkdir -p "$APP" && zstd -d -q -c "$STAGE/jano-device.tar.zst" | tar -C "$APP" -xf -
fi
J="$APP/jano-device"

# ONNX Runtime's CUDA provider needs CUDA 13's cuBLAS/cuDNN/cuFFT/cuRAND: PyTorch's wheels bring them.
nvlibs=$(python3 - <<'PY' 2>/dev/null
import glob, os, site
paths = set()
for root in site.getsitepackages():
    paths.update(os.path.dirname(p) for p in glob.glob(os.path.join(root, "nvidia", "**", "lib*.so*"), recursive=True))
print(":".join(sorted(paths)))
PY
)
export LD_LIBRARY_PATH="${nvlibs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

section "(a) CUDA tests"
"$J" tests 2>&1 | tee "$OUT/tests.log" | grep -v '^\s*$' | tail -n 60 >> "$report"

section "(c) attention: our kernel (fp32) vs ONNX Runtime MultiHeadAttention, 16 heads × 72"
"$J" attention --heads 16 --head-dim 72 2>&1 | tee -a "$report"

section "(b) dense vs Jano, PixArt-XL shape (28 × 1152), fp16, forced 25% active / 25% medium"
configs="${CONFIGS:-d28w1152-t1024 d28w1152-t4096}"
[ "${QUICK:-0}" = 1 ] && configs="d28w1152-t1024"
STUDY_DIR=/tmp/jano-study JANO="$J jano" DTYPE=fp16 PROVIDER=cuda FRACTIONS=0.25 MEDIUMS=0.25 \
  STEPS=12 REPEATS=3 SEEDS=1 KEEP_CHECKPOINTS=1 bash tools/scaling-study.sh $configs > "$OUT/study.log" 2>&1
tail -n 8 "$OUT/study.log" | tee -a "$report"
cp /tmp/jano-study/summary.tsv "$OUT/" 2>/dev/null

section "(d) dense step: ours (ONNX Runtime CUDA, fp16) vs PyTorch (fp16, same weights)"
python3 tools/device/torch_step.py check --checkpoint onnx-models/fashion-dit/diffusers --package onnx-models/fashion-dit 2>&1 | tail -n 3 | tee -a "$report"
for c in $configs; do
  pkg="/tmp/jano-study/$c-fp16/package"
  ckpt="/tmp/jano-study/$c-fp16/checkpoint"
  [ -d "$pkg" ] || { say "$c: no package (see study.log)"; continue; }
  say "$c:"
  "$J" step --package "$pkg" --provider cuda --steps 20 2>&1 | tail -n 1 | tee -a "$report"
  "$J" step --package "$pkg" --provider cuda --steps 20 --attention kernel 2>&1 | tail -n 1 | tee -a "$report"
  "$J" step --package "$pkg" --provider cuda --steps 20 --buffers host 2>&1 | tail -n 1 | tee -a "$report"
  python3 tools/device/torch_step.py time --checkpoint "$ckpt" --package "$pkg" --dtype fp16 --steps 20 2>&1 | tail -n 1 | tee -a "$report"
done
say ""
say "(end of report)"
