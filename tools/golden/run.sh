#!/usr/bin/env bash
# Rewrites every golden fixture under Jano.Tests/Fixtures/golden/ from the upstream sources
# in tools/golden/.upstream/ (see tools/golden/README.md; fetch_upstream.sh makes that folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
up="$here/.upstream"
for d in "$up/diffusers-v0.32.2/src/diffusers" "$up/huggingface_hub-v0.29.3/src/huggingface_hub"; do
  [ -d "$d" ] || { echo "missing $d: run tools/golden/fetch_upstream.sh first" >&2; exit 1; }
done
py=/usr/bin/python3   # Debian's python with python3-torch; not a pyenv one
export PYTHONPATH="$here/shim:$here:$up/diffusers-v0.32.2/src:$up/huggingface_hub-v0.29.3/src"
export PYTHONHASHSEED=0 HF_HUB_OFFLINE=1 DIFFUSERS_NO_ADVISORY_WARNINGS=1 OMP_NUM_THREADS=1
cd "$here"
only="${1:-all}"
for s in schedulers vae pixart pipeline aspect_bins clip clip_tokenizer; do
  if [ "$only" = all ] || [ "$only" = "$s" ]; then "$py" "gen_$s.py"; fi
done
"$py" check_fixtures.py --readme
