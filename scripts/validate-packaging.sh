#!/usr/bin/env bash
# Checks the Docker packaging against the code without a Docker engine (there
# is none on the development machines or in CI):
#   - docker-compose.yml parses; services, ports and the pgsleuth flags agree
#     with each other, with the Dockerfile and with pgsleuth's own flag list;
#   - the Dockerfile's build-stage apt packages are exactly the build
#     dependencies in scripts/install-deps.sh, and its cmake flags are demo.sh's;
#   - with a built binary (PGSLEUTH=path, default build-release/pgsleuth if it
#     exists): the flags are accepted by it, every shared library it loads comes
#     from a package the runtime stage installs (unless PGSLEUTH_INSTRUMENTED=1:
#     a sanitizer build links other libraries than the image's Release build),
#     and the compose healthcheck command gets "ok" from a real admin endpoint.
# Usage: scripts/validate-packaging.sh        Exit 0 when every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."

PGSLEUTH=${PGSLEUTH:-}
if [ -z "$PGSLEUTH" ]; then
  for candidate in build-release/pgsleuth build/pgsleuth; do
    [ -x "$candidate" ] && { PGSLEUTH=$candidate; break; }
  done
fi

PY=/usr/bin/python3
if ! "$PY" -c 'import yaml' 2>/dev/null; then
  echo "validate-packaging: python3-yaml is missing: sudo apt-get install python3-yaml" >&2
  exit 2
fi

exec "$PY" - "$PGSLEUTH" "${PGSLEUTH_INSTRUMENTED:-0}" <<'PYTHON'
import os, re, shlex, socket, subprocess, sys, time
import yaml

pgsleuth = sys.argv[1]
instrumented = sys.argv[2] == "1"
passed, failed = 0, 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}{': ' + detail if detail else ''}")


def read(path):
    with open(path) as f:
        return f.read()


def flag_value(args, name):
    """Value of --name in an argv list (either --name v or --name=v)."""
    for i, a in enumerate(args):
        if a == f"--{name}" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def port_of(host_port):
    return int(host_port.rsplit(":", 1)[1])


# ---- the Dockerfile, as stages of instructions ----
dockerfile = read("Dockerfile")
joined = re.sub(r"\\\n", " ", dockerfile)
stages, current = {}, None
for line in joined.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    word, _, rest = line.partition(" ")
    if word.upper() == "FROM":
        m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
        current = m.group(2) or m.group(1)
        stages[current] = {"base": m.group(1), "lines": []}
    elif current:
        stages[current]["lines"].append((word.upper(), rest))
check(set(stages) >= {"build", "demo", "runtime"}, "Dockerfile has build, demo and runtime stages",
      f"found {sorted(stages)}")
check(list(stages)[-1] == "runtime", "runtime is the last (default) stage")
check(all(s["base"].startswith("debian:bookworm") for s in stages.values()),
      "every stage is Debian bookworm", str({k: v["base"] for k, v in stages.items()}))


def apt_packages(stage):
    pkgs = []
    for word, rest in stages.get(stage, {}).get("lines", []):
        if word != "RUN":
            continue
        for part in re.split(r"&&|;", rest):
            tokens = shlex.split(part)
            if "apt-get" in tokens and "install" in tokens:
                pkgs += [t for t in tokens[tokens.index("install") + 1:] if not t.startswith("-")]
    return pkgs


def instruction(stage, name):
    return [rest for word, rest in stages.get(stage, {}).get("lines", []) if word == name]


# ---- build dependencies: Dockerfile build stage vs scripts/install-deps.sh ----
m = re.search(r"PKGS=\((.*?)\)", read("scripts/install-deps.sh"), re.S)
install_deps = shlex.split(m.group(1), comments=True) if m else []
# What install-deps.sh installs only for tests, benchmarks and the demo (clang
# and its sanitizer runtimes for the sanitizer and fuzzer build).
not_for_building = {"libgtest-dev", "libgmock-dev", "libbenchmark-dev", "postgresql-15",
                    "postgresql-client-15", "pgbouncer", "python3", "python3-psycopg2",
                    "python3-asyncpg", "python3-django", "python3-sqlalchemy", "curl", "procps",
                    "chromium", "python3-yaml", "clang", "libclang-rt-14-dev", "ccache",
                    "openssl",  # openssl: the CLI the TLS tests make certificates with
                    "prometheus",  # promtool and a real Prometheus for tests/alerts
                    "postgresql-15-hypopg"}  # the index advisor's tests verify with HypoPG
unknown = [p for p in install_deps if p not in not_for_building and not
           (p.endswith("-dev") or p in {"build-essential", "cmake", "ninja-build", "pkg-config"})]
check(not unknown, "every install-deps.sh package is classified as build or test/demo", str(unknown))
wanted = sorted(p for p in install_deps if p not in not_for_building)
have = sorted(apt_packages("build"))
check(wanted == have, "Dockerfile build-stage packages == install-deps.sh build dependencies",
      f"missing {sorted(set(wanted) - set(have))}, extra {sorted(set(have) - set(wanted))}")

demo_cmake = re.search(r"cmake -S \. -B \"\$BUILD_DIR\" (.*?) >", read("scripts/demo.sh"))
docker_cmake = re.search(r"cmake -S \. -B build-release (.*?) &&", " ".join(instruction("build", "RUN")))
check(bool(demo_cmake and docker_cmake) and
      demo_cmake.group(1).split() == docker_cmake.group(1).split(),
      "Dockerfile configures with scripts/demo.sh's cmake flags",
      f"demo.sh {demo_cmake and demo_cmake.group(1)!r}, Dockerfile {docker_cmake and docker_cmake.group(1)!r}")

entrypoint = yaml.safe_load(instruction("runtime", "ENTRYPOINT")[0]) if instruction("runtime", "ENTRYPOINT") else []
expose = [int(p.split("/")[0]) for rest in instruction("runtime", "EXPOSE") for p in rest.split()]
listen = flag_value(entrypoint, "listen") or ""
check(entrypoint[:1] == ["pgsleuth"] and listen.startswith("0.0.0.0:"),
      "ENTRYPOINT runs pgsleuth --listen 0.0.0.0:PORT", str(entrypoint))
listen_port = port_of(listen) if listen else None
check(expose == [6432] and listen_port == 6432, "EXPOSE 6432 matches the --listen port",
      f"EXPOSE {expose}, listen {listen}")

# ---- docker-compose.yml ----
try:
    compose = yaml.safe_load(read("docker-compose.yml"))
    check(True, "docker-compose.yml parses")
except yaml.YAMLError as e:
    check(False, "docker-compose.yml parses", str(e))
    compose = {}
services = compose.get("services", {})
check(set(services) == {"postgres", "pgsleuth", "demo"}, "services are postgres, pgsleuth, demo",
      str(sorted(services)))
pg, proxy, demo = (services.get(n, {}) for n in ("postgres", "pgsleuth", "demo"))
check(str(pg.get("image", "")).startswith("postgres:15"), "postgres service is postgres:15")
check(proxy.get("build", {}).get("target") == "runtime" and demo.get("build", {}).get("target") == "demo",
      "pgsleuth and demo build the Dockerfile's runtime and demo stages")

command = proxy.get("command", [])
args = entrypoint[1:] + command
known = set(re.findall(r'\{"([a-z-]+)", (?:true|false)[,}]', read("config/command_line.cpp")))
used = [a[2:].split("=")[0] for a in args if a.startswith("--")]
check(known and set(used) <= known, "every pgsleuth flag in ENTRYPOINT + command is a real flag",
      f"unknown {sorted(set(used) - known)}")
check(flag_value(args, "upstream") == "postgres:5432", "pgsleuth --upstream is the postgres service on 5432",
      str(flag_value(args, "upstream")))
admin = flag_value(args, "admin")
published = {}
for p in proxy.get("ports", []):
    host, container = str(p).rsplit(":", 1)
    published[int(container)] = int(host.rsplit(":", 1)[-1])
check(published.get(listen_port) == listen_port, "pgsleuth publishes its --listen port", str(published))
check(admin is not None and admin.startswith("0.0.0.0:") and port_of(admin) in published,
      "pgsleuth publishes its --admin port", f"admin {admin}, ports {published}")
health = proxy.get("healthcheck", {}).get("test", [])
health_cmd = health[-1] if health else ""
check(admin is not None and f"/dev/tcp/127.0.0.1/{port_of(admin)}" in health_cmd and "/healthz" in health_cmd,
      "pgsleuth healthcheck asks /healthz on the --admin port")
check(proxy.get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy",
      "pgsleuth waits for a healthy postgres")
check(demo.get("depends_on", {}).get("pgsleuth", {}).get("condition") == "service_healthy",
      "demo waits for a healthy pgsleuth")
url = demo.get("environment", {}).get("DATABASE_URL", "")
m = re.match(r"postgres(?:ql)?://[^@]+@([^:/]+):(\d+)/\w+\?(.*)", url)
check(bool(m) and m.group(1) == "pgsleuth" and int(m.group(2)) == listen_port,
      "demo DATABASE_URL points at pgsleuth's --listen port", url)
check(bool(m) and re.search(r"sslmode=(disable|prefer)\b", m.group(3) or "") is not None,
      "demo DATABASE_URL has sslmode=disable or prefer (pgsleuth answers SSLRequest with N)", url)
demo_copy = " ".join(instruction("demo", "COPY"))
check("demo/shop_app.py" in demo_copy and os.path.exists("demo/shop_app.py"), "demo stage copies demo/shop_app.py")
check("python3-psycopg2" in apt_packages("demo"), "demo stage installs python3-psycopg2 from Debian")
ignored = read(".dockerignore").split()
check("build*/" in ignored and ".git" in ignored, ".dockerignore leaves out build trees and .git")

# ---- README.md against the code ----
readme = read("README.md")
first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
check(bool(first_block) and re.match(r"# pgsleuth\n\n```sh\n", readme) and
      "scripts/demo.sh" in first_block.group(1) and "scripts/test.sh" in first_block.group(1),
      "README opens with the demo and test commands")
# Each metric is declared once, in its stage's table.
metric_tables = ["proxy/proxy_metrics.hpp", "app/app_metrics.hpp", "advisor/advisor_metrics.hpp"]
code_metrics = {m for t in metric_tables for m in re.findall(r'"(pgsleuth_\w+)"', read(t))}
# A histogram's series (_bucket, _sum, _count) name the histogram.
doc_metrics = {re.sub(r"_(bucket|sum|count)$", "", m) if re.sub(r"_(bucket|sum|count)$", "", m) in code_metrics else m
               for m in re.findall(r"\b(pgsleuth_\w+)", readme)}
doc_metrics.discard("pgsleuth_findings")  # the fleet store's table, not a metric
check(code_metrics == doc_metrics, "README names exactly the metrics of the metric tables",
      f"undocumented {sorted(code_metrics - doc_metrics)}, not in code {sorted(doc_metrics - code_metrics)}")
kinds = re.findall(r'KindInfo\{FindingKind::\w+, "(\w+)"', read("findings/finding_kind.hpp"))
check(len(kinds) >= 8, "findings/finding_kind.hpp declares the finding kinds", str(kinds))
check(all(f"### `{k}`" in readme for k in kinds), "README has a section for every finding kind",
      str([k for k in kinds if f"### `{k}`" not in readme]))
toml = read("config/pgsleuth.example.toml")
keys, section = set(), None
for line in toml.splitlines():
    if re.match(r"\[(\w+)\]", line):
        section = re.match(r"\[(\w+)\]", line).group(1)
    elif re.match(r"(\w+)\s*=", line) and section:
        keys.add(section + "." + re.match(r"(\w+)", line).group(1))
sections = {k.split(".")[0] for k in keys}
mentioned = {m for m in re.findall(r"`(\w+\.\w+)`", readme) if m.split(".")[0] in sections}
check(mentioned <= keys, "every config key the README names is in config/pgsleuth.example.toml",
      str(sorted(mentioned - keys)))
bad_yaml = []
for block in re.findall(r"```yaml\n(.*?)```", readme, re.S):
    try:
        yaml.safe_load(block)
    except yaml.YAMLError as e:
        bad_yaml.append(str(e).splitlines()[0])
check(not bad_yaml, "every YAML example in README parses", str(bad_yaml))
bad_toml = []
for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
    for line in block.splitlines():
        m = re.match(r"(\w+)\s*=", line)
        if m and not any(k.endswith("." + m.group(1)) for k in keys):
            bad_toml.append(m.group(1))
check(not bad_toml, "every TOML example key in README is a real config key", str(bad_toml))
help_block = re.search(r"```text\n(Flags \(flags.*?)```", readme, re.S)
check(bool(help_block), "README quotes the flags part of --help")

# ---- against a built binary ----
if not pgsleuth:
    print("note: no built pgsleuth (set PGSLEUTH=path): binary checks skipped")
else:
    r = subprocess.run([pgsleuth, *args, "--help"], capture_output=True, text=True)
    check(r.returncode == 0, f"{pgsleuth} accepts ENTRYPOINT + command flags", r.stderr.strip())
    help_text = subprocess.run([pgsleuth, "--help"], capture_output=True, text=True).stdout
    flags_part = help_text[help_text.find("Flags (flags"):]
    check(bool(help_block) and help_block.group(1).strip() == flags_part.strip(),
          "README's flag list is the binary's --help", "update the ```text block in README.md")

    libs = re.findall(r"=> (/\S+)", subprocess.run(["ldd", pgsleuth], capture_output=True, text=True).stdout)
    base_image = {"libc6", "libstdc++6", "libgcc-s1"}  # in debian:bookworm-slim already
    runtime_pkgs = set(apt_packages("runtime"))

    def owner(lib):
        # dpkg records /lib or /usr/lib, whichever the package shipped (merged /usr).
        real = os.path.realpath(lib)
        for path in dict.fromkeys([lib, real, real.removeprefix("/usr"), "/usr" + real]):
            out = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout
            if out:
                return out.split(":")[0]
        return f"?({lib})"

    if instrumented:
        print("note: sanitizer build: the runtime stage's libraries are checked against a Release build only")
    else:
        owners = {lib: owner(lib) for lib in libs}

        def depends_closure(pkgs):
            # What apt installs along with `pkgs` (ldd lists a library's own
            # libraries too: libpq5's Kerberos and LDAP come with it).
            seen, todo = set(), list(pkgs)
            while todo:
                out = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", todo.pop()],
                                     capture_output=True, text=True).stdout
                for dep in re.findall(r"(?:^|,)\s*([a-z0-9][a-z0-9.+-]*)", out):
                    if dep not in seen:
                        seen.add(dep)
                        todo.append(dep)
            return seen

        pulled_in = depends_closure(runtime_pkgs)
        missing = [f"{lib} from {pkg}" for lib, pkg in owners.items()
                   if pkg not in base_image and pkg not in runtime_pkgs and pkg not in pulled_in]
        extra = runtime_pkgs - set(owners.values())
        check(not missing and not extra, "runtime stage installs exactly the packages of the binary's shared libraries",
              f"missing {missing}, unused {sorted(extra)}")

    def free_port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    free = free_port()
    proc = subprocess.Popen([pgsleuth, "--listen", f"127.0.0.1:{free_port()}", "--upstream", "127.0.0.1:5432",
                             "--findings", "/dev/null", "--admin", f"127.0.0.1:{free}"],
                            stderr=subprocess.PIPE, text=True)
    try:
        ok = False
        for _ in range(50):
            r = subprocess.run(["bash", "-c", health_cmd.replace(f"/{port_of(admin)}", f"/{free}")],
                               capture_output=True, timeout=10)
            if r.returncode == 0:
                ok = True
                break
            time.sleep(0.1)
        check(ok, "the compose healthcheck command passes against a real admin endpoint")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    # A sanitizer report (leaks at exit included) makes this non-zero.
    check(proc.returncode == 0, "pgsleuth exits 0 on SIGTERM", err[-4000:])

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYTHON
