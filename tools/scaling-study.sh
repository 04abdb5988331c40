#!/usr/bin/env bash
# Scaling study (docs/BENCHMARKS.md): random-weight PixArt-shaped packages at 256, 1024 and 4096
# tokens, and SD3-shaped ones (joint blocks over 77 CLIP + T5 text rows computed every step, a tiny
# VAE and tiny text encoders of the joint width: their cost is once per prompt), benchmarked with `jano bench` under masks forced to fixed active/medium fractions, to see
# how close the measured speed-up comes to the ideal (FLOP) one and where the time goes.
#
# usage: tools/scaling-study.sh [CONFIG ...]        (no CONFIG: all of them, smallest first)
#        tools/scaling-study.sh --list
#
# Runnable piecewise: a package that is already exported is reused, a (config, fraction) whose
# bench.json exists is skipped, and every finished run appends its rows to $STUDY_DIR/summary.tsv.
# The large configs take hours on a small CPU (see docs/BENCHMARKS.md for estimates): run them one
# at a time.
#
# Settings (environment):
#   STUDY_DIR    where configs, packages and results go (outside git)   default /tmp/jano-scaling
#   JANO         how to run jano (default: build tools/Jano.Cli into $STUDY_DIR/build and run it)
#   FRACTIONS    forced active fractions                                default "0.1 0.25 0.5"
#   MEDIUMS      forced medium fractions, each tried with every active  default "0.25 0"
#   STEPS        denoising steps (warm-up 2, cool-down 1, one refresh, medium every 4th)  default 12
#   REPEATS, WARMUP_RUNS, SEEDS, THREADS                                defaults 3, 1, 1, 0 (all cores)
#   PROMPTS      how many of the two study prompts to run (1 or 2)      default 2
#   DTYPE        package dtype, fp32 or fp16                            default fp32
#   PROVIDER     ONNX Runtime provider, cpu or cuda                     default cpu
#   KEEP_CHECKPOINTS=1 keeps the random checkpoints after export (they are as large as the package)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
STUDY_DIR="${STUDY_DIR:-/tmp/jano-scaling}"
FRACTIONS="${FRACTIONS:-0.1 0.25 0.5}"
MEDIUMS="${MEDIUMS:-0.25 0}"
STEPS="${STEPS:-12}"
REPEATS="${REPEATS:-3}"
WARMUP_RUNS="${WARMUP_RUNS:-1}"
SEEDS="${SEEDS:-1}"
THREADS="${THREADS:-0}"
PROMPTS="${PROMPTS:-2}"
DTYPE="${DTYPE:-fp32}"
PROVIDER="${PROVIDER:-cpu}"

# name family depth heads head_dim sample_size t5_rows
#   width = heads × head_dim; image tokens = (sample_size / 2)²; SD3 text rows = 77 (CLIP) + t5_rows;
#   FLUX: depth is double/single blocks, sample_size the latent side (packed 2×2), text rows = t5_rows
#   (diffusers' max_sequence_length; "-" for PixArt, whose 384-wide captions are per prompt)
CONFIGS="
d12w768-t256         pixart 12 12 64 32  -
d12w768-t1024        pixart 12 12 64 64  -
d28w1152-t256        pixart 28 16 72 32  -
d12w768-t4096        pixart 12 12 64 128 -
d28w1152-t1024       pixart 28 16 72 64  -
d28w1152-t4096       pixart 28 16 72 128 -
sd3-d8w768-t1024     sd3    8  12 64 64  77
sd3-d8w768-t256      sd3    8  12 64 32  77
sd3-d24w1536-t4096   sd3    24 24 64 128 256
flux-d2s4w768-t1024  flux   2/4 6 128 64 256
"

config_line() { echo "$CONFIGS" | awk -v n="$1" '$1 == n'; }

if [ "${1:-}" = "--list" ]; then
  echo "$CONFIGS" | awk 'NF { printf "%-20s %-6s %3s layers, width %4d (%d heads x %d), %4d image tokens%s\n", $1, $2, $3, $4 * $5, $4, $5, ($6 / 2) ^ 2, $2 == "sd3" ? sprintf(" + %d text rows", 77 + $7) : ($2 == "flux" ? sprintf(" + %d text rows", $7) : "") }'
  exit 0
fi

selected=("$@")
if [ ${#selected[@]} -eq 0 ]; then
  mapfile -t selected < <(echo "$CONFIGS" | awk 'NF { print $1 }')
fi
for name in "${selected[@]}"; do
  [ -n "$(config_line "$name")" ] || { echo "unknown config '$name' (see --list)" >&2; exit 2; }
done

mkdir -p "$STUDY_DIR"
if [ -z "${JANO:-}" ]; then
  echo "building jano into $STUDY_DIR/build"
  dotnet build "$repo/tools/Jano.Cli/Jano.Cli.csproj" -c Release --artifacts-path "$STUDY_DIR/build" -v quiet -nologo >/dev/null
  JANO="dotnet $STUDY_DIR/build/bin/Jano.Cli/release/jano.dll"
fi

prompts="$STUDY_DIR/prompts.txt"
printf '%s\n' "a t-shirt" "an ankle boot" | head -n "$PROMPTS" > "$prompts"
summary="$STUDY_DIR/summary.tsv"

for name in "${selected[@]}"; do
  read -r _ family depth heads head_dim sample t5 <<< "$(config_line "$name")"
  dir="$STUDY_DIR/$name-$DTYPE"
  package="$dir/package"
  mkdir -p "$dir"
  if [ ! -f "$package/jano-model.json" ] && [ "$family" = sd3 ]; then
    # Fields merged over init-random's tiny SD3 transformer; the text encoders follow the joint width.
    cat > "$dir/transformer.json" <<JSON
{ "sample_size": $sample, "num_layers": $depth, "num_attention_heads": $heads, "attention_head_dim": $head_dim,
  "joint_attention_dim": $((heads * head_dim)), "pooled_projection_dim": 64, "pos_embed_max_size": $((sample / 2)) }
JSON
    echo "== $name: random SD3 pipeline and export"
    $JANO init-random --pipeline sd3 --transformer-config "$dir/transformer.json" --out "$dir/checkpoint" --seed 1
    $JANO export --pipeline "$dir/checkpoint" --out "$package" --name "$name" --dtype "$DTYPE" --max-sequence-length "$t5" --no-whole-graph
    [ "${KEEP_CHECKPOINTS:-0}" = 1 ] || rm -rf "$dir/checkpoint"
  elif [ ! -f "$package/jano-model.json" ] && [ "$family" = flux ]; then
    # FLUX.1-dev-shaped (guidance embedded, one branch): double/single blocks, RoPE axes of a 128-wide head as FLUX.1's.
    cat > "$dir/transformer.json" <<JSON
{ "num_layers": ${depth%/*}, "num_single_layers": ${depth#*/}, "num_attention_heads": $heads, "attention_head_dim": $head_dim,
  "joint_attention_dim": $((heads * head_dim)), "pooled_projection_dim": 64, "axes_dims_rope": [$((head_dim / 8)), $((head_dim * 7 / 16)), $((head_dim * 7 / 16))] }
JSON
    echo "== $name: random FLUX pipeline and export"
    $JANO init-random --pipeline flux-dev --transformer-config "$dir/transformer.json" --out "$dir/checkpoint" --seed 1
    $JANO export --pipeline "$dir/checkpoint" --out "$package" --name "$name" --dtype "$DTYPE" --size "${sample}x${sample}" --max-sequence-length "$t5" --no-whole-graph
    [ "${KEEP_CHECKPOINTS:-0}" = 1 ] || rm -rf "$dir/checkpoint"
  elif [ ! -f "$package/jano-model.json" ]; then
    cat > "$dir/config.json" <<JSON
{ "_class_name": "PixArtTransformer2DModel", "sample_size": $sample, "patch_size": 2,
  "in_channels": 4, "out_channels": 4, "num_layers": $depth, "num_attention_heads": $heads,
  "attention_head_dim": $head_dim, "cross_attention_dim": $((heads * head_dim)), "caption_channels": 384,
  "norm_type": "ada_norm_single", "norm_elementwise_affine": false, "norm_eps": 1e-6,
  "attention_bias": true, "activation_fn": "gelu-approximate", "use_additional_conditions": false }
JSON
    echo "== $name: random checkpoint and export"
    $JANO init-random --config "$dir/config.json" --out "$dir/checkpoint" --seed 1
    $JANO export --checkpoint "$dir/checkpoint" --out "$package" --name "$name" --dtype "$DTYPE"
    [ "${KEEP_CHECKPOINTS:-0}" = 1 ] || rm -rf "$dir/checkpoint"
  else
    echo "== $name: reusing $package"
  fi

  for active in $FRACTIONS; do
    for medium in $MEDIUMS; do
      if awk -v a="$active" -v m="$medium" 'BEGIN { exit !(a + m > 1) }'; then continue; fi
      out="$dir/bench-a$active-m$medium"
      if [ -f "$out/bench.json" ]; then echo "-- $name active $active medium $medium: done before ($out)"; continue; fi
      echo "-- $name active $active medium $medium"
      $JANO bench --methods jano --package "$package" --prompts-file "$prompts" --seeds "$SEEDS" --steps "$STEPS" \
        --warmup 2 --cooldown 1 --static-interval "$STEPS" --medium-interval 4 \
        --forced-active "$active" --forced-medium "$medium" \
        --repeats "$REPEATS" --warmup-runs "$WARMUP_RUNS" --threads "$THREADS" --provider "$PROVIDER" \
        --out "$out" --summary "$summary" 2> "$out.log" \
        || { echo "jano bench failed; the end of $out.log:" >&2; tail -n 5 "$out.log" >&2; exit 1; }
    done
  done
done

echo
echo "== measured against ideal speed-up (Jano rows of $summary; times in ms per image)"
awk -F'\t' 'NR == 1 || $8 == "jano"' "$summary" \
  | cut -f1,2,6,7,9,10,11,12,13,15,16,17,18,19 | column -t -s $'\t'
