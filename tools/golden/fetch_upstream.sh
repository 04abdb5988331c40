#!/usr/bin/env bash
# Fills tools/golden/.upstream/ (git-ignored, never committed) with the three upstream source trees.
# Usage: fetch_upstream.sh [DIFFUSERS_GIT_DIR HUB_GIT_DIR [TRANSFORMERS_GIT_DIR]]
#   With arguments: local clones (bare or not) of huggingface/diffusers, huggingface/huggingface_hub and
#   huggingface/transformers (or any clone holding the pinned transformers commit, e.g. a fork: the
#   commit hash is the content's identity, so the tree is the tag's whatever clone it comes from).
#   Without: shallow clones of the three tags from GitHub (needs network access to it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
up="$here/.upstream"
DIFFUSERS_TAG=v0.32.2
HUB_TAG=v0.29.3
# transformers v4.30.0 (torch>=1.9,!=1.12.0: runs on Debian 12's torch 1.13); pinned by the tag's commit.
TRANSFORMERS_TAG=v4.30.0
TRANSFORMERS_COMMIT=905892f09027cab690918c7766fea1bb51bcdd26
tmp=""
if [ $# -ge 2 ]; then
  dgit="$1"; hgit="$2"; tgit="${3:-}"
else
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  git clone -q --bare --depth 1 --branch "$DIFFUSERS_TAG" https://github.com/huggingface/diffusers "$tmp/d"
  git clone -q --bare --depth 1 --branch "$HUB_TAG" https://github.com/huggingface/huggingface_hub "$tmp/h"
  git clone -q --bare --depth 1 --branch "$TRANSFORMERS_TAG" https://github.com/huggingface/transformers "$tmp/t"
  dgit="$tmp/d"; hgit="$tmp/h"; tgit="$tmp/t"
fi
extract() { # git-dir tag subdir dest
  if [ -d "$1/.git" ]; then set -- "$1/.git" "$2" "$3" "$4"; fi
  rm -rf "$4"; mkdir -p "$4"
  git --git-dir="$1" archive "$2" "$3" | tar -x -C "$4"
  echo "$2 $(git --git-dir="$1" rev-parse "$2^{commit}") -> $4"
}
extract "$dgit" "$DIFFUSERS_TAG" src/diffusers "$up/diffusers-$DIFFUSERS_TAG"
extract "$hgit" "$HUB_TAG" src/huggingface_hub "$up/huggingface_hub-$HUB_TAG"
if [ -n "$tgit" ]; then
  if [ -d "$tgit/.git" ]; then tgit="$tgit/.git"; fi
  # The tag, where the clone has it, must name the pinned commit; a fork without the tag gives the commit.
  if tagged="$(git --git-dir="$tgit" rev-parse -q --verify "$TRANSFORMERS_TAG^{commit}")" && [ "$tagged" != "$TRANSFORMERS_COMMIT" ]; then
    echo "$tgit: tag $TRANSFORMERS_TAG is $tagged, not the pinned $TRANSFORMERS_COMMIT" >&2; exit 1
  fi
  git --git-dir="$tgit" cat-file -e "$TRANSFORMERS_COMMIT^{commit}" 2>/dev/null \
    || { echo "$tgit: has no commit $TRANSFORMERS_COMMIT (transformers $TRANSFORMERS_TAG)" >&2; exit 1; }
  dest="$up/transformers-$TRANSFORMERS_TAG"
  rm -rf "$dest"; mkdir -p "$dest"
  git --git-dir="$tgit" archive "$TRANSFORMERS_COMMIT" src/transformers | tar -x -C "$dest"
  echo "$TRANSFORMERS_TAG $TRANSFORMERS_COMMIT -> $dest"
else
  echo "transformers: no clone given (third argument); .upstream/transformers-$TRANSFORMERS_TAG left as it is" >&2
fi
