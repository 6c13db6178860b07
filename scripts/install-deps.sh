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
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
