# pgsleuth in a container: a transparent PostgreSQL proxy that reports N+1
# queries and other anti-patterns as JSON Lines.
#
#   docker build -t pgsleuth .
#   docker run --rm -p 6432:6432 pgsleuth --upstream db.example.internal:5432
#
# The package lists mirror scripts/install-deps.sh (scripts/validate-packaging.sh
# checks that they stay in step); the cmake flags are those of scripts/demo.sh.

# ---- build: the -dev packages and a Release build of the one binary ----
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libboost1.81-dev libpg-query-dev libfmt-dev libspdlog-dev libxxhash-dev \
      libtomlplusplus-dev libpq-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DPGSLEUTH_BUILD_TESTS=OFF -DPGSLEUTH_BUILD_BENCH=OFF \
 && cmake --build build-release --target pgsleuth -j "$(nproc)" \
 && strip build-release/pgsleuth

# ---- demo: the example app of scripts/demo.sh, for docker-compose.yml ----
FROM debian:bookworm-slim AS demo
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-psycopg2 \
 && rm -rf /var/lib/apt/lists/*
COPY demo/shop_app.py /app/shop_app.py
CMD ["python3", "/app/shop_app.py"]

# ---- runtime (the default target): only the shared libraries pgsleuth loads ----
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpg-query1504.0 libfmt9 libspdlog1.10 libtomlplusplus3 libssl3 \
      libpq5 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1 \
      libldap-2.5-0 libsasl2-2 libgnutls30 libnettle8 libhogweed6 libgmp10 libidn2-0 libunistring2 \
      libp11-kit0 libtasn1-6 libffi8 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin pgsleuth
COPY --from=build /src/build-release/pgsleuth /usr/local/bin/pgsleuth
COPY config/pgsleuth.example.toml /etc/pgsleuth/pgsleuth.example.toml
USER pgsleuth
EXPOSE 6432
ENTRYPOINT ["pgsleuth", "--listen", "0.0.0.0:6432"]
