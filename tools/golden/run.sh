#!/usr/bin/env bash
# Rewrites every golden fixture under Jano.Tests/Fixtures/golden/ from the upstream sources
# in tools/golden/.upstream/ (see tools/golden/README.md; fetch_upstream.sh makes that folder).
# t5, clip_hf and sd3_prompt also need .upstream/transformers-v4.30.0 (hf_transformers.py puts it on the path).
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
for s in schedulers vae pixart sd3 flux pipeline sd3_pipeline flux_pipeline init_random_pipeline aspect_bins clip clip_tokenizer t5 clip_hf sd3_prompt; do
  if [ "$only" = all ] || [ "$only" = "$s" ]; then
    if [ "$s" = init_random_pipeline ]; then
      # runs the jano CLI and Jano.Bench (golden-inputs): needs the .NET SDK and a Release build of both
      if ! command -v dotnet >/dev/null; then
        echo "init_random_pipeline: skipped (no dotnet on PATH; it runs jano init-random/export and Jano.Bench golden-inputs)" >&2
        continue
      fi
      (cd "$here/../.." && dotnet build tools/Jano.Cli -c Release -v q -nologo && dotnet build Jano.Bench -c Release -v q -nologo) >/dev/null
    fi
    if [ "$s" = sd3_prompt ]; then
      # runs jano init-random: needs the .NET SDK and a Release build of the CLI
      if ! command -v dotnet >/dev/null; then
        echo "sd3_prompt: skipped (no dotnet on PATH; it runs jano init-random --pipeline sd3)" >&2
        continue
      fi
      (cd "$here/../.." && dotnet build tools/Jano.Cli -c Release -v q -nologo) >/dev/null
    fi
    "$py" "gen_$s.py"
  fi
done
"$py" check_fixtures.py --readme
