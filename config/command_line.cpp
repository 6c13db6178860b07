#include "config/command_line.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <string_view>

#include "config/config_loader.hpp"
#include "config/host_port.hpp"

namespace pgsleuth::config {
namespace {

struct FlagSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value;
};

constexpr FlagSpec kFlags[] = {
    {"config", true},   {"listen", true},  {"upstream", true}, {"findings", true},
    {"admin", true},    {"log-level", true}, {"events", true}, {"threads", true},
    {"check-config", true}, {"help", false}, {"version", false}, {"no-analysis", false},
    {"no-server-reuse", false}, {"client-sslmode", true}, {"client-tls-cert", true},
    {"client-tls-key", true}, {"server-sslmode", true},
};

const FlagSpec* find_flag(std::string_view name) {
  for (const FlagSpec& f : kFlags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void require_host_port(const std::string& flag, const std::string& value) {
  try {
    parse_host_port(value);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--{} '{}': {}", flag, value, e.what()));
  }
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

// Validates one overriding flag and writes it into `config`.
void apply_override(Config& config, const std::string& flag, const std::string& value) {
  if (flag == "listen") {
    require_host_port(flag, value);
    config.proxy.listen = value;
  } else if (flag == "upstream") {
    require_host_port(flag, value);
    config.proxy.upstream = value;
  } else if (flag == "admin") {
    require_host_port(flag, value);
    config.admin.listen = value;
  } else if (flag == "findings") {
    config.output.findings = value;
  } else if (flag == "log-level") {
    if (!is_log_level(value)) {
      throw UsageError(fmt::format("--log-level '{}': must be one of: {}", value, kLogLevelsAllowed));
    }
    config.log.level = value;
  } else if (flag == "threads") {
    config.proxy.threads = parse_threads(value);
  } else if (flag == "client-sslmode") {
    config.client_tls.sslmode = ssl_mode(flag, value, kClientSslModes);
  } else if (flag == "client-tls-cert") {
    config.client_tls.cert_file = value;
  } else if (flag == "client-tls-key") {
    config.client_tls.key_file = value;
  } else if (flag == "server-sslmode") {
    config.server_tls.sslmode = ssl_mode(flag, value, kServerSslModes);
  } else if (flag == "no-analysis") {
    config.proxy.analysis = false;
  } else if (flag == "no-server-reuse") {
    config.proxy.server_reuse = false;
  }
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
      if (name == "no-analysis" || name == "no-server-reuse") {
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

    if (name == "config") {
      config_path = value;
    } else if (name == "check-config") {
      check_config_path = value;
    } else if (name == "events") {
      result.events_path = value;
    } else {
      apply_override(result.config, name, value);  // validates now, applied again below
      result.overrides.emplace_back(name, value);
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
  for (const auto& [flag, value] : result.overrides) apply_override(result.config, flag, value);
  return result;
}

Config reload_config(const CommandLine& command_line) {
  const std::string& path = command_line.config.config_path;
  Config config = path.empty() ? Config{} : load_config_file(path);
  for (const auto& [flag, value] : command_line.overrides) apply_override(config, flag, value);
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
