#!/usr/bin/env bash
# The long, coverage-guided fuzz run (docs/FUZZING.md): AFL++ drives jano-fuzz in persistent mode over
# assemblies that SharpFuzz has instrumented for coverage. One target at a time, stopped after
# EXECS executions; crashes land in $OUT/TARGET/default/crashes/ (replay them with `jano-fuzz replay`).
#
# usage: tools/fuzz/run-afl.sh [TARGET ...]     (no TARGET: every target of `jano-fuzz list`)
# needs: apt-get install afl++; dotnet tool install --tool-path $TOOLS SharpFuzz.CommandLine --version 2.3.0
# settings: OUT (default /tmp/jano-afl), EXECS (default 1000000), TOOLS (default /tmp/sharpfuzz-tool), TIMEOUT_MS (default 5000)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:-/tmp/jano-afl}"
EXECS="${EXECS:-1000000}"
TOOLS="${TOOLS:-/tmp/sharpfuzz-tool}"
TIMEOUT_MS="${TIMEOUT_MS:-5000}"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
[ -x "$TOOLS/sharpfuzz" ] || { echo "$TOOLS/sharpfuzz not found: dotnet tool install --tool-path $TOOLS SharpFuzz.CommandLine --version 2.3.0" >&2; exit 2; }

build="$OUT/build"
rm -rf "$build"
dotnet publish "$repo/Jano.Fuzz/Jano.Fuzz.csproj" -c Release -o "$build" -v quiet -nologo >/dev/null
# Our assemblies only: coverage of the parsers we wrote (the BCL and NuGet libraries stay as they are).
for dll in Jano.Core.dll Jano.Export.dll Jano.Runtime.dll; do "$TOOLS/sharpfuzz" "$build/$dll" >/dev/null; done

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(dotnet "$build/jano-fuzz.dll" list | awk '{print $1}')
# AFL_SKIP_BIN_CHECK: the binary afl-fuzz starts is dotnet, not instrumented itself; the coverage map comes from the SharpFuzz-instrumented assemblies.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
for target in "${targets[@]}"; do
  echo "== $target: $EXECS executions"
  afl-fuzz -i "$build/corpus/$target" -o "$OUT/$target" -t "$TIMEOUT_MS" -m none -E "$EXECS" \
    -- dotnet "$build/jano-fuzz.dll" afl "$target" > "$OUT/$target.log" 2>&1 || { echo "afl-fuzz failed for $target: see $OUT/$target.log" >&2; tail -5 "$OUT/$target.log" >&2; continue; }
  stats="$OUT/$target/default/fuzzer_stats"
  printf '%s: %s executions, %s per second, %s crashes, %s hangs, %s paths\n' "$target" \
    "$(awk -F': *' '/^execs_done/{print $2}' "$stats")" "$(awk -F': *' '/^execs_per_sec/{print $2}' "$stats")" \
    "$(awk -F': *' '/^saved_crashes/{print $2}' "$stats")" "$(awk -F': *' '/^saved_hangs/{print $2}' "$stats")" \
    "$(awk -F': *' '/^corpus_count/{print $2}' "$stats")" | tee -a "$OUT/summary.txt"
done
