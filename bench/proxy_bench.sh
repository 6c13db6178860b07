#!/usr/bin/env bash
# Reproduces the proxy throughput/latency numbers quoted in the issues:
# pgbench direct vs pgbouncer vs pgsleuth, using the shared bench script.
#   bench/proxy_bench.sh                 # full run (~7 min)
#   BENCH_WORKLOADS=select-simple BENCH_ROUNDS=3 bench/proxy_bench.sh
# Extra pgsleuth flags go in PGSLEUTH_ARGS (e.g. "--threads 1").
# COUNTING=1 runs bench/counting_proxy instead: the same proxy core and
# statement events, consumed by a trivial counting subscriber (no detection).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench/proxy_bench.sh}
[ -x "$SHARED_BENCH" ] || [ -f "$SHARED_BENCH" ] || { echo "bench: $SHARED_BENCH not found (set SHARED_BENCH)" >&2; exit 1; }

bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build-release}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGSLEUTH_BUILD_TESTS=OFF -DPGSLEUTH_BUILD_BENCH=ON >/dev/null
if [ "${COUNTING:-0}" = 1 ]; then
  cmake --build "$BUILD_DIR" --target counting_proxy -j "$(nproc)" >/dev/null
  export PROXY_NAME=${PROXY_NAME:-counting}
  export PROXY_CMD="$ROOT/$BUILD_DIR/bench/counting_proxy --listen 127.0.0.1:{listen_port} --upstream 127.0.0.1:{upstream_port}"
else
  cmake --build "$BUILD_DIR" --target pgsleuth -j "$(nproc)" >/dev/null
  export PROXY_NAME=${PROXY_NAME:-pgsleuth}
  export PROXY_CMD="$ROOT/$BUILD_DIR/pgsleuth --listen 127.0.0.1:{listen_port} --upstream 127.0.0.1:{upstream_port} --findings /dev/null ${PGSLEUTH_ARGS:-}"
fi
exec bash "$SHARED_BENCH"
