# Sourced by the bench scripts: the Release binary, a throwaway directory
# and a throwaway PostgreSQL cluster on loopback. Needs ROOT, BUILD_DIR,
# PGBIN; sets WORK and PG_PORT; PIDS are killed on exit.

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGSLEUTH_BUILD_TESTS=OFF >/dev/null
cmake --build "$ROOT/$BUILD_DIR" --target pgsleuth -j "$(nproc)" >/dev/null

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # Started through su: its own pid is not in PIDS.
  pkill -f "^pgbouncer $WORK/pgbouncer.ini" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl -D $WORK/data stop -m immediate" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_cluster SCALE [server options...]: initdb, start, pgbench -i.
start_cluster() {
  local scale=$1
  shift
  PG_PORT=$(free_port)
  as_pg "$PGBIN/initdb -D $WORK/data -A trust" >/dev/null
  as_pg "$PGBIN/pg_ctl -D $WORK/data -l $WORK/pg.log -w -o '-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off $*' start" >/dev/null
  as_pg "$PGBIN/pgbench -h 127.0.0.1 -p $PG_PORT -i -s $scale postgres" >/dev/null 2>&1
}

# make_cert DIR: a throwaway self-signed certificate for 127.0.0.1 in
# DIR/cert.pem and DIR/key.pem, readable by the server's user. No client
# in these benches verifies it (sslmode=require on every leg): what is
# measured is the cost of encrypting, not of checking.
make_cert() {
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -keyout "$1/key.pem" -out "$1/cert.pem" >"$1/openssl.log" 2>&1 ||
    { echo "make_cert: openssl failed: $(tail -n 1 "$1/openssl.log")" >&2; exit 1; }
  chmod 0600 "$1/key.pem"
  [ "$(id -u)" = 0 ] && chown -R postgres "$1"
  return 0
}
