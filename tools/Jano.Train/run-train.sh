#!/usr/bin/env bash
# Starts, or resumes, the default model's training run in the background:
#   tools/Jano.Train/run-train.sh [RUN_DIR] [extra train options...]
# RUN_DIR (default /work/train-runs/fashion-dit) gets the caption cache, a private copy of the binaries
# (so rebuilding the repo never swaps files under a running trainer), train.log, loss.csv, samples/,
# checkpoint/ and export/. Running it again after the process ended continues from the checkpoint.
set -euo pipefail
RUN=$(realpath -m "${1:-/work/train-runs/fashion-dit}")
shift || true
HERE=$(cd "$(dirname "$0")" && pwd)

if [[ -f "$RUN/train.pid" ]] && kill -0 "$(cat "$RUN/train.pid")" 2>/dev/null; then
  echo "a trainer is already running in $RUN (pid $(cat "$RUN/train.pid"))" >&2
  exit 1
fi
mkdir -p "$RUN"

if [[ ! -f "$RUN/captions/captions.json" ]]; then
  dotnet build "$HERE/CaptionEncoder/Jano.Train.Captions.csproj" -c Release --artifacts-path /tmp/art-captions -v q
  dotnet /tmp/art-captions/bin/Jano.Train.Captions/release/jano-train-captions.dll "$RUN/captions"
fi

dotnet build "$HERE/Jano.Train.csproj" -c Release --artifacts-path /tmp/art-train -v q
rm -rf "$RUN/bin.new"
cp -r /tmp/art-train/bin/Jano.Train/release "$RUN/bin.new"
rm -rf "$RUN/bin"
mv "$RUN/bin.new" "$RUN/bin"

# libgomp's default busy-waiting halves throughput when other processes share the 2 cores (measured:
# 7.4 vs 16.4 samples per CPU-second); passive waiting yields the core instead. Must be in the real
# environment: libgomp reads it when libtorch loads, before any managed code could set it.
export OMP_WAIT_POLICY=PASSIVE
setsid nohup dotnet "$RUN/bin/jano-train.dll" train --out "$RUN" --captions "$RUN/captions" --resume --threads 2 "$@" \
  >> "$RUN/train.log" 2>&1 < /dev/null &
echo $! > "$RUN/train.pid"
echo "trainer started (pid $!), log: $RUN/train.log"
