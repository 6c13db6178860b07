#!/usr/bin/env bash
# Syscalls per pgbench transaction of pgsleuth's I/O threads: strace -c -f
# attached to pgsleuth over a fixed number of transactions through it, with
# the counts divided by the transactions. The forwarding target is one recv
# and one send per message each way (2 + 2 per pgbench -S transaction, as
# pgbouncer). Throwaway cluster, loopback only.
#   bench/syscalls_per_tx.sh                 # pgbench -S -c 1, 5000 tx
#   TX=20000 MODE=prepared bench/syscalls_per_tx.sh
#   WORKLOAD=tpcb TX=2000 bench/syscalls_per_tx.sh   # pgbench's TPC-B-like script
# Extra pgsleuth flags go in PGSLEUTH_ARGS; BUILD_DIR as for cpu_per_tx.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TX=${TX:-5000}
MODE=${MODE:-simple}
# shellcheck source=bench/workload.sh
. "$ROOT/bench/workload.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BUILD_DIR=${BUILD_DIR:-build-release}

# shellcheck source=bench/bench_common.sh
. "$ROOT/bench/bench_common.sh"
command -v strace >/dev/null || { echo "syscalls_per_tx: strace not found" >&2; exit 1; }
start_cluster 1

PROXY_PORT=$(free_port)
# shellcheck disable=SC2086
"$ROOT/$BUILD_DIR/pgsleuth" --listen "127.0.0.1:$PROXY_PORT" --upstream "127.0.0.1:$PG_PORT" \
  --findings /dev/null ${PGSLEUTH_ARGS:-} 2>"$WORK/pgsleuth.log" &
PIDS+=($!)
PGSLEUTH_PID=$!
for _ in $(seq 100); do
  as_pg "$PGBIN/pg_isready -q -h 127.0.0.1 -p $PROXY_PORT" && break
  sleep 0.1
done

pgbench_run() {  # transactions
  as_pg "$PGBIN/pgbench -h 127.0.0.1 -p $PROXY_PORT -n $SCRIPT_FLAG -M $MODE -c 1 -t $1 postgres" >/dev/null 2>&1
}
pgbench_run 500  # warm-up: a pooled backend, caches
strace -c -f -q -o "$WORK/strace.txt" -p "$PGSLEUTH_PID" &
STRACE_PID=$!
sleep 1  # strace attaches to every thread
pgbench_run "$TX"
kill -INT "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null || true
echo "pgbench $WORKLOAD -M $MODE -c 1, $TX transactions: syscalls per transaction (strace -c -f)"
awk -v tx="$TX" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
    printf "  %-16s %8.2f\n", $NF, $4 / tx }' "$WORK/strace.txt" | sort -k2 -nr | awk '$2 >= 0.01'
