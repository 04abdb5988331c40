#!/usr/bin/env bash
# Fills tools/golden/.upstream/openai-clip/ (git-ignored, never committed) with the clip/ folder of
# openai/CLIP at the pinned commit: model.py, simple_tokenizer.py, bpe_simple_vocab_16e6.txt.gz.
# Usage: fetch_openai_clip.sh [CLIP_GIT_DIR]   (a local clone, bare or not; without: clones from GitHub)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/.upstream/openai-clip"
COMMIT=d05afc436d78f1c48dc0dbf8e5980a9d471f35f6
tmp=""
if [ $# -ge 1 ]; then
  git_dir="$1"
  if [ -d "$git_dir/.git" ]; then git_dir="$git_dir/.git"; fi
else
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  git clone -q --bare https://github.com/openai/CLIP "$tmp/c"
  git_dir="$tmp/c"
fi
rm -rf "$dest"; mkdir -p "$dest"
git --git-dir="$git_dir" archive "$COMMIT" clip | tar -x -C "$dest"
echo "openai/CLIP $COMMIT -> $dest"
