#include "config/command_line.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <string_view>

#include "config/config_loader.hpp"
#include "config/host_port.hpp"

namespace pgsleuth::config {
namespace {

std::string host_port(const std::string& flag, const std::string& value) {
  try {
    parse_host_port(value);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--{} '{}': {}", flag, value, e.what()));
  }
  return value;
}

uint32_t parse_threads(const std::string& value) {
  uint32_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n > 1024) {
    throw UsageError(fmt::format("--threads '{}': must be an integer from 0 (half the cores) to 1024", value));
  }
  return n;
}

std::string ssl_mode(const std::string& flag, const std::string& value,
                     const std::vector<std::string_view>& modes) {
  for (std::string_view m : modes) {
    if (m == value) return value;
  }
  throw UsageError(fmt::format("--{} '{}': must be one of: {}", flag, value, fmt::join(modes, ", ")));
}

std::string log_level(const std::string& value) {
  if (!is_log_level(value)) {
    throw UsageError(fmt::format("--log-level '{}': must be one of: {}", value, kLogLevelsAllowed));
  }
  return value;
}

// Checks the value ("" for a flag without one) and writes it into the
// config: once when parsed, and again on each config file (re)load.
using Text = const std::string&;
using ApplyFlag = void (*)(Config&, Text flag, Text value);

struct FlagSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value;
  ApplyFlag apply;  // null: the parser itself acts on the flag
};

constexpr FlagSpec kFlags[] = {
    {"config", true, nullptr},
    {"check-config", true, nullptr},
    {"events", true, nullptr},
    {"help", false, nullptr},
    {"version", false, nullptr},
    {"listen", true, [](Config& c, Text f, Text v) { c.proxy.listen = host_port(f, v); }},
    {"upstream", true, [](Config& c, Text f, Text v) { c.proxy.upstream = host_port(f, v); }},
    {"admin", true, [](Config& c, Text f, Text v) { c.admin.listen = host_port(f, v); }},
    {"findings", true, [](Config& c, Text, Text v) { c.output.findings = v; }},
    {"log-level", true, [](Config& c, Text, Text v) { c.log.level = log_level(v); }},
    {"threads", true, [](Config& c, Text, Text v) { c.proxy.threads = parse_threads(v); }},
    {"client-sslmode", true,
     [](Config& c, Text f, Text v) { c.client_tls.sslmode = ssl_mode(f, v, kClientSslModes); }},
    {"client-tls-cert", true, [](Config& c, Text, Text v) { c.client_tls.cert_file = v; }},
    {"client-tls-key", true, [](Config& c, Text, Text v) { c.client_tls.key_file = v; }},
    {"server-sslmode", true,
     [](Config& c, Text f, Text v) { c.server_tls.sslmode = ssl_mode(f, v, kServerSslModes); }},
    {"no-analysis", false, [](Config& c, Text, Text) { c.proxy.analysis = false; }},
    {"no-server-reuse", false, [](Config& c, Text, Text) { c.proxy.server_reuse = false; }},
};

const FlagSpec* find_flag(std::string_view name) {
  for (const FlagSpec& f : kFlags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void apply_overrides(Config& config, const std::vector<std::pair<std::string, std::string>>& overrides) {
  for (const auto& [flag, value] : overrides) find_flag(flag)->apply(config, flag, value);
}

Config load_or_usage_error(const std::string& path) {
  try {
    return load_config_file(path);
  } catch (const ConfigError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine result;
  const std::vector<std::string> words(argv + (argc > 0 ? 1 : 0), argv + (argc > 0 ? argc : 0));

  if (!words.empty()) {
    const std::string& first = words.front();
    const Command sub = first == "report" ? Command::Report
                        : first == "check"  ? Command::Check
                        : first == "baseline" ? Command::Baseline
                                              : Command::Run;
    if (sub != Command::Run) {
      result.command = sub;
      result.args.assign(words.begin() + 1, words.end());
      return result;
    }
  }

  std::string config_path;
  std::string check_config_path;
  bool help = false;
  bool version = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) {
      throw UsageError(fmt::format("unexpected argument '{}' (see --help)", word));
    }
    const size_t eq = word.find('=');
    const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const FlagSpec* spec = find_flag(name);
    if (spec == nullptr) throw UsageError(fmt::format("unknown flag --{} (see --help)", name));
    if (!spec->takes_value) {
      if (eq != std::string::npos) throw UsageError(fmt::format("flag --{} takes no value", name));
      if (spec->apply != nullptr) {
        result.overrides.emplace_back(name, "");
      } else {
        (name == "help" ? help : version) = true;
      }
      continue;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < words.size() && words[i + 1].compare(0, 2, "--") != 0) {
      value = words[++i];
    } else {
      throw UsageError(fmt::format("flag --{} needs a value", name));
    }
    if (value.empty()) throw UsageError(fmt::format("flag --{} needs a non-empty value", name));

    if (spec->apply != nullptr) {
      spec->apply(result.config, name, value);  // checks it now, applied again below
      result.overrides.emplace_back(name, value);
    } else if (name == "config") {
      config_path = value;
    } else if (name == "check-config") {
      check_config_path = value;
    } else {
      result.events_path = value;
    }
  }

  if (help) {
    result.command = Command::Help;
    return result;
  }
  if (version) {
    result.command = Command::Version;
    return result;
  }
  if (!check_config_path.empty()) {
    result.command = Command::CheckConfig;
    result.config = load_or_usage_error(check_config_path);
    return result;
  }
  result.config = config_path.empty() ? Config{} : load_or_usage_error(config_path);
  apply_overrides(result.config, result.overrides);
  return result;
}

Config reload_config(const CommandLine& command_line) {
  const std::string& path = command_line.config.config_path;
  Config config = path.empty() ? Config{} : load_config_file(path);
  apply_overrides(config, command_line.overrides);
  return config;
}

std::string help_text() {
  return R"(pgsleuth: a transparent PostgreSQL proxy that reports N+1 queries and other
database anti-patterns as JSON Lines.

Usage:
  pgsleuth [FLAGS]                   run the proxy
  pgsleuth report FILE.jsonl [--format text|html|json] [--output PATH]
  pgsleuth check FILE.jsonl [--fail-on KIND,...] [--max-queries-per-request N]
                            [--baseline FILE]
  pgsleuth baseline FILE.jsonl > baseline.json
  FILE.jsonl may also be a fleet store's postgresql:// URL; report, check and
  baseline take --since DURATION (30s, 15m, 2h, 7d) and --instance NAME to
  read only the lines that recent, or from that pgsleuth instance

Flags (flags override the config file; the config file overrides defaults):
  --config FILE          read settings from a TOML file
  --listen HOST:PORT     where clients connect (default 127.0.0.1:6432)
  --upstream HOST:PORT   the PostgreSQL server (default 127.0.0.1:5432)
  --findings PATH|URL    findings as JSON Lines; "-" = standard output (default); or
                         postgresql://USER[:PASSWORD]@HOST:PORT/DB, a fleet store
  --admin HOST:PORT      serve /metrics, /findings, /requests, /healthz (default off)
  --log-level LEVEL      trace, debug, info, warn, error, critical or off (default info)
  --threads N            I/O threads; 0 = half the cores, at least one (default 0)
  --client-sslmode MODE  TLS between clients and pgsleuth: disable, allow, prefer,
                         require, verify-ca or verify-full (default disable)
  --client-tls-cert FILE the certificate pgsleuth shows clients (PEM)
  --client-tls-key FILE  its private key (PEM)
  --server-sslmode MODE  TLS between pgsleuth and PostgreSQL: disable, prefer,
                         require, verify-ca or verify-full (default prefer)
  --no-analysis          forward only: no statement events, no findings, and no
                         server connection reuse
  --no-server-reuse      a new server connection for every client connection
  --events PATH          debug: write every statement event as JSON Lines ("-" = stdout)
  --check-config FILE    only check a config file, exit 0 if it is valid, 2 if not
  --help                 show this text
  --version              show the version

Values may be given as --flag value or --flag=value. IPv6 addresses go in
[brackets], e.g. [::1]:6432. Exit codes: 0 ok, 1 runtime error, 2 bad flags or
config. SIGHUP re-reads the config file's thresholds and output settings, and
the TLS settings and files for connections that start after it.
)";
}

}  // namespace pgsleuth::config
