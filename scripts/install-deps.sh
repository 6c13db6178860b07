#!/usr/bin/env bash
# Installs what pgsleuth needs to build, test and run its demo, from Debian
# packages only. Safe to run again: it installs only what is missing.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libpg-query-dev libfmt-dev libspdlog-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev libpq-dev
  postgresql-15 postgresql-client-15 postgresql-15-hypopg pgbouncer
  python3 python3-psycopg2 python3-asyncpg python3-django python3-sqlalchemy
  curl procps chromium python3-yaml
  clang libclang-rt-14-dev ccache
  libssl-dev openssl
  # promtool checks the README's alert rules; a real Prometheus scrapes pgsleuth in tests/alerts
  prometheus
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  fi
fi
apt_install() {
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "install-deps: need root (or sudo) to install: $*" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# Node test clients (node-postgres), pinned by the committed lock file.
# Node itself may come from elsewhere than Debian (its own npm then):
# only a machine with no node at all gets Debian's.
if ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing nodejs npm" >&2
  apt_install nodejs npm
fi
clients="$(dirname "$0")/../tests/detection/clients"
if [ ! -f "$clients/node_modules/pg/package.json" ]; then
  echo "install-deps: npm ci in tests/detection/clients" >&2
  (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
