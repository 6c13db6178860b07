#!/usr/bin/env bash
# Runs every libFuzzer target in fuzz/ for SECONDS each (default 60), one
# after another, and fails on any crash, leak or timeout. Builds the targets
# first (configuring build-fuzz with clang++ if it is missing).
# Usage: scripts/fuzz.sh [SECONDS]
# Env: FUZZ_BUILD_DIR (build-fuzz), FUZZ_TARGETS (names, default all),
#      FUZZ_TIMEOUT (seconds one input may take, default 10), JOBS,
#      FUZZ_SEED (libFuzzer's -seed; default 0, a new one each run). The test
#      command fixes it, so CI explores the same inputs for the same tree and
#      fails only when the tree changed: finding new bugs is the long runs' job.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-60}
BUILD=$(realpath -m "${FUZZ_BUILD_DIR:-build-fuzz}")
INPUT_TIMEOUT=${FUZZ_TIMEOUT:-10}
SEED=${FUZZ_SEED:-0}
JOBS=${JOBS:-2}
if [[ ! "$SECONDS_EACH" =~ ^[0-9]+$ || "$SECONDS_EACH" -eq 0 ]]; then
  echo "fuzz.sh: SECONDS must be a positive integer, not '$SECONDS_EACH'" >&2
  exit 2
fi

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  args=(-DCMAKE_CXX_COMPILER=clang++ -DPGSLEUTH_FUZZ=ON -DPGSLEUTH_BUILD_BENCH=OFF)
  command -v ninja >/dev/null && args+=(-G Ninja)
  command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B "$BUILD" "${args[@]}" >/dev/null
elif ! grep -q '^PGSLEUTH_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  echo "fuzz.sh: $BUILD is not configured with -DPGSLEUTH_FUZZ=ON" >&2
  exit 2
fi

targets=${FUZZ_TARGETS:-$(ls fuzz/fuzz_*.cpp | sed 's|fuzz/fuzz_||; s|\.cpp$||')}
cmake --build "$BUILD" -j "$JOBS" --target $(printf 'fuzz_%s ' $targets)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
WORK="$BUILD/fuzz-work"
CRASHES="$BUILD/fuzz-crashes"
failed=()
for name in $targets; do
  dir="$WORK/$name"
  rm -rf "$dir/artifacts" "$CRASHES/$name"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  log="$dir/fuzz.log"
  seeds=()
  [[ -d "fuzz/corpus/$name" ]] && seeds=("fuzz/corpus/$name")
  # The grown corpus (first directory) is kept between runs; seeds are read only.
  status=0
  timeout --kill-after=10 $((SECONDS_EACH + 60)) \
    "$BUILD/fuzz/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout="$INPUT_TIMEOUT" -seed="$SEED" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo '?')
  if [[ $status -eq 0 ]]; then
    echo "fuzz_$name: ok, $execs executions, ${stats:-no stats} ($log)"
    continue
  fi
  failed+=("$name")
  mkdir -p "$CRASHES/$name"
  cp "$dir"/artifacts/* "$CRASHES/$name/" 2>/dev/null || true
  echo "fuzz_$name: FAILED (exit $status) after $execs executions; log $log; inputs in $CRASHES/$name/:" >&2
  ls -1 "$CRASHES/$name" >&2 || true
  echo "  reproduce: $BUILD/fuzz/fuzz_$name $CRASHES/$name/<file>" >&2
  grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|property broken' "$log" >&2 || tail -5 "$log" >&2
done

if ((${#failed[@]})); then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all targets ran ${SECONDS_EACH}s without a crash, leak or timeout"
