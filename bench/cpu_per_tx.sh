#!/usr/bin/env bash
# CPU time per pgbench transaction of pgsleuth (per thread) and pgbouncer,
# read from /proc around a fixed number of transactions. Steadier than
# throughput on a small shared VM. Throwaway cluster, loopback only.
#   bench/cpu_per_tx.sh                      # pgbench -S -c 8 -j 2, 20000 tx per client
#   CLIENTS=1 TX=50000 MODE=prepared bench/cpu_per_tx.sh
#   TLS=1 bench/cpu_per_tx.sh                # every leg on TLS (sslmode=require)
#   WORKLOAD=tpcb TX=3000 bench/cpu_per_tx.sh  # pgbench's TPC-B-like script
# Extra pgsleuth flags go in PGSLEUTH_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CLIENTS=${CLIENTS:-8}
TX=${TX:-20000}
MODE=${MODE:-simple}
# shellcheck source=bench/workload.sh
. "$ROOT/bench/workload.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BUILD_DIR=${BUILD_DIR:-build-release}
TLS=${TLS:-0}
[ "$TLS" = 0 ] || [ "$TLS" = 1 ] || { echo "cpu_per_tx: TLS=$TLS: must be 0 or 1" >&2; exit 2; }

# shellcheck source=bench/bench_common.sh
. "$ROOT/bench/bench_common.sh"
command -v pgbouncer >/dev/null || { echo "cpu_per_tx: pgbouncer not found" >&2; exit 1; }
SERVER_SSL='' BOUNCER_TLS='' PROXY_TLS='' CLIENT_SSLMODE=disable
if [ "$TLS" = 1 ]; then
  make_cert "$WORK/tls"
  SERVER_SSL="-c ssl=on -c ssl_cert_file=$WORK/tls/cert.pem -c ssl_key_file=$WORK/tls/key.pem"
  BOUNCER_TLS="client_tls_sslmode = require
client_tls_cert_file = $WORK/tls/cert.pem
client_tls_key_file = $WORK/tls/key.pem
server_tls_sslmode = require"
  PROXY_TLS="--client-sslmode require --client-tls-cert $WORK/tls/cert.pem --client-tls-key $WORK/tls/key.pem"
  PROXY_TLS+=" --server-sslmode require"
  CLIENT_SSLMODE=require
fi
# shellcheck disable=SC2086
start_cluster 10 -c shared_buffers=256MB -c autovacuum=off $SERVER_SSL

BOUNCER_PORT=$(free_port)
cat > "$WORK/pgbouncer.ini" <<EOF
[databases]
postgres = host=127.0.0.1 port=$PG_PORT dbname=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
auth_type = trust
auth_file = $WORK/users.txt
pool_mode = session
max_client_conn = 100
default_pool_size = 20
unix_socket_dir =
logfile = $WORK/pgbouncer.log
$BOUNCER_TLS
EOF
echo '"postgres" ""' > "$WORK/users.txt"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"/*
as_pg "pgbouncer $WORK/pgbouncer.ini" >/dev/null 2>&1 &
PIDS+=($!)

PROXY_PORT=$(free_port)
# shellcheck disable=SC2086
"$ROOT/$BUILD_DIR/pgsleuth" --listen "127.0.0.1:$PROXY_PORT" --upstream "127.0.0.1:$PG_PORT" \
  --findings /dev/null $PROXY_TLS ${PGSLEUTH_ARGS:-} 2>"$WORK/pgsleuth.log" &
PIDS+=($!)
PGSLEUTH_PID=$!
sleep 1
BOUNCER_PID=$(pgrep -f "^pgbouncer $WORK/pgbouncer.ini" | head -1)
if [ "$TLS" = 1 ]; then  # both legs of both proxies encrypted, or the numbers mean nothing
  for port in "$BOUNCER_PORT" "$PROXY_PORT"; do
    legs=$(as_pg "PGSSLMODE=require $PGBIN/psql -h 127.0.0.1 -p $port -At -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' postgres")
    [ "$legs" = t ] || { echo "cpu_per_tx: the server leg through port $port is not on TLS" >&2; exit 1; }
  done
fi

pgbench_run() {  # port, transactions per client
  as_pg "PGSSLMODE=$CLIENT_SSLMODE $PGBIN/pgbench -h 127.0.0.1 -p $1 -n $SCRIPT_FLAG -M $MODE -c $CLIENTS -j $((CLIENTS < 2 ? CLIENTS : 2)) -t $2 postgres" 2>&1 |
    grep -oP 'tps = \K[0-9.]+' | head -1
}
# Keyed by tid:name (pgs-io-0, pgs-analysis, ...), in join's sort order.
ticks() {
  for t in /proc/"$1"/task/*; do echo "$(basename "$t"):$(cat "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done | sort
}

measure() {  # name, pid, port
  pgbench_run "$3" 2000 >/dev/null  # warm-up: backends and caches
  local before after tps
  before=$(ticks "$2")
  tps=$(pgbench_run "$3" "$TX")
  after=$(ticks "$2")
  join <(echo "$before") <(echo "$after") | awk -v name="$1" -v tps="$tps" -v tx=$((CLIENTS * TX)) \
    -v hz="$(getconf CLK_TCK)" '
      { d = $3 - $2; total += d; if (d > 0) per[$1] = d }
      END {
        printf "%-10s %8.0f tps  %6.2f us CPU/tx", name, tps, total * 1e6 / hz / tx
        n = 0; for (t in per) n++
        if (n > 1) {
          printf "  (threads:"
          for (t in per) { split(t, id, ":"); printf " %s %.2f", id[2], per[t] * 1e6 / hz / tx }
          printf ")"
        }
        printf "\n"
      }'
}

echo "pgbench $WORKLOAD -M $MODE -c $CLIENTS, $TX transactions per client$([ "$TLS" = 1 ] && echo ', TLS on every leg')"
for round in 1 2; do
  measure pgbouncer "$BOUNCER_PID" "$BOUNCER_PORT"
  measure pgsleuth "$PGSLEUTH_PID" "$PROXY_PORT"
done
