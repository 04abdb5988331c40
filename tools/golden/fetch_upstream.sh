#!/usr/bin/env bash
# Fills tools/golden/.upstream/ (git-ignored, never committed) with the two upstream source trees.
# Usage: fetch_upstream.sh [DIFFUSERS_GIT_DIR HUB_GIT_DIR]
#   With two arguments: local clones (bare or not) of huggingface/diffusers and huggingface/huggingface_hub.
#   Without: shallow clones of the two tags from GitHub (needs network access to it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
up="$here/.upstream"
DIFFUSERS_TAG=v0.32.2
HUB_TAG=v0.29.3
tmp=""
if [ $# -ge 2 ]; then
  dgit="$1"; hgit="$2"
else
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  git clone -q --bare --depth 1 --branch "$DIFFUSERS_TAG" https://github.com/huggingface/diffusers "$tmp/d"
  git clone -q --bare --depth 1 --branch "$HUB_TAG" https://github.com/huggingface/huggingface_hub "$tmp/h"
  dgit="$tmp/d"; hgit="$tmp/h"
fi
extract() { # git-dir tag subdir dest
  if [ -d "$1/.git" ]; then set -- "$1/.git" "$2" "$3" "$4"; fi
  rm -rf "$4"; mkdir -p "$4"
  git --git-dir="$1" archive "$2" "$3" | tar -x -C "$4"
  echo "$2 $(git --git-dir="$1" rev-parse "$2^{commit}") -> $4"
}
extract "$dgit" "$DIFFUSERS_TAG" src/diffusers "$up/diffusers-$DIFFUSERS_TAG"
extract "$hgit" "$HUB_TAG" src/huggingface_hub "$up/huggingface_hub-$HUB_TAG"
