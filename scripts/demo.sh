#!/usr/bin/env bash
# The demo: a throwaway PostgreSQL, pgsleuth in front of it, a small app
# with an N+1, a duplicate fetch and an unbounded SELECT, and the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build-release}
echo "demo: building pgsleuth (first time takes a few minutes)..." >&2
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGSLEUTH_BUILD_TESTS=OFF -DPGSLEUTH_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --target pgsleuth -j "$(nproc)" >/dev/null
PGSLEUTH="$ROOT/$BUILD_DIR/pgsleuth"

WORK=$(mktemp -d)
PGBIN=/usr/lib/postgresql/15/bin
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$WORK"
  RUN_AS=(runuser -u postgres --)
fi
PG_PID=""
PROXY_PID=""
cleanup() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PGPORT=$(free_port)
PROXYPORT=$(free_port)

echo "demo: starting a throwaway PostgreSQL 15 on 127.0.0.1:$PGPORT" >&2
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$WORK -c fsync=off" start >/dev/null

echo "demo: starting pgsleuth on 127.0.0.1:$PROXYPORT in front of it" >&2
"$PGSLEUTH" --listen "127.0.0.1:$PROXYPORT" --upstream "127.0.0.1:$PGPORT" \
  --findings "$WORK/findings.jsonl" 2>"$WORK/pgsleuth.log" &
PROXY_PID=$!
for _ in $(seq 100); do
  grep -q "listening on" "$WORK/pgsleuth.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "listening on" "$WORK/pgsleuth.log" || { cat "$WORK/pgsleuth.log" >&2; exit 1; }

echo "demo: running the app (demo/shop_app.py) with DATABASE_URL pointing at pgsleuth" >&2
DATABASE_URL="postgresql://postgres@127.0.0.1:$PROXYPORT/postgres?sslmode=disable" \
  /usr/bin/python3 demo/shop_app.py

# SIGTERM closes the open windows and flushes their findings.
kill -TERM "$PROXY_PID"
wait "$PROXY_PID" || true
PROXY_PID=""

echo
echo "=== What pgsleuth found (pgsleuth report) ==="
"$PGSLEUTH" report "$WORK/findings.jsonl"
echo
echo "=== The raw findings stream (JSON Lines) ==="
cat "$WORK/findings.jsonl"
