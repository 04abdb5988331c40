#!/usr/bin/env bash
# The jano-batch container's entry command: one shard of a `jano batch` per pod of a Kubernetes Indexed Job.
# Kubernetes sets JOB_COMPLETION_INDEX (0..completions-1); the pod cannot see spec.completions, so the Job
# passes it as JANO_COMPLETIONS. Shard i writes JANO_OUT/shard-i; `jano batch merge JANO_OUT/shard-*` joins them.
#
#   JANO_MANIFEST  the manifest (default /data/jobs.jsonl)
#   JANO_PACKAGE   the model package folder (default: the image's shipped fashion-dit)
#   JANO_OUT       the output volume (default /data/out)
#   JANO           the CLI (default /opt/jano/jano, the self-contained publish)
# Arguments are passed on to `jano batch` (--steps, --guidance, --method, --provider cuda, --batch-size...).
set -euo pipefail

: "${JOB_COMPLETION_INDEX:?is not set: run this as a pod of an Indexed Job (completionMode: Indexed), or set it by hand}"
: "${JANO_COMPLETIONS:?is not set: give the Job's spec.completions (the number of shards) in the container's env}"
manifest=${JANO_MANIFEST:-/data/jobs.jsonl}
out=${JANO_OUT:-/data/out}
read -r -a jano <<< "${JANO:-/opt/jano/jano}"
model_flags=()
if [ -n "${JANO_PACKAGE:-}" ]; then model_flags=(--model "$JANO_PACKAGE"); fi

# A pod that is restarted (node loss, eviction, backoff retry) runs this again on the same volume and resumes.
exec "${jano[@]}" batch "$manifest" --out "$out/shard-$JOB_COMPLETION_INDEX" --completions "$JANO_COMPLETIONS" "${model_flags[@]}" "$@"
