#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test with ctest;
# then builds the tree again with clang under AddressSanitizer +
# UndefinedBehaviorSanitizer (build-fuzz, which also holds the fuzzers), runs
# every test there (any sanitizer report, a leak included, fails), and runs
# each fuzzer briefly when scripts/fuzz.sh exists.
# Usage: scripts/test.sh [extra ctest args, for both ctest runs]
# Env: BUILD_DIR (build), SANITIZE_BUILD_DIR (build-fuzz), JOBS,
#      SANITIZE=0 to leave out the sanitizer stage (local iteration only: CI
#      runs everything), FUZZ_SECONDS per fuzzer (20), FUZZ_SEED (1: the
#      same inputs every run, so a failure means the tree changed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

stage_start=$SECONDS
stage_done() {
  echo "test.sh: $1 took $((SECONDS - stage_start)) s" >&2
  stage_start=$SECONDS
}

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
stage_done build
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 600 -j "$JOBS" "$@")
stage_done ctest

if [ "${SANITIZE:-1}" = 0 ]; then
  echo "test.sh: SANITIZE=0: sanitizer build, tests and fuzzers left out" >&2
  exit 0
fi
SANITIZE_BUILD_DIR=${SANITIZE_BUILD_DIR:-build-fuzz}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$SANITIZE_BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPGSLEUTH_FUZZ=ON -DPGSLEUTH_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$SANITIZE_BUILD_DIR" -j "$JOBS"
stage_done "sanitizer build"
(cd "$SANITIZE_BUILD_DIR" && ctest --output-on-failure --timeout 600 -j "$JOBS" "$@")
stage_done "sanitizer ctest"
if [ -f scripts/fuzz.sh ]; then
  FUZZ_SEED=${FUZZ_SEED:-1} FUZZ_BUILD_DIR=$SANITIZE_BUILD_DIR JOBS=$JOBS bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
  stage_done fuzz
fi
