#include "config/config_loader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

#include "config/host_port.hpp"

namespace pgsleuth::config {
namespace {

constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kMaxFileBytes = 1024 * 1024;  // a config file, not a data set
const std::vector<std::string_view> kLogLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};

// Where a value sits, for error lines.
struct KeyContext {
  const std::string& file;
  std::string path;  // "table.key"
};

// A string value as TOML writes it, quotes and backslashes as \xNN so the
// rendering is unambiguous (ConfigError keeps the line whole).
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + '"';
}

// The value as written in TOML, strings in double quotes.
std::string render(const toml::node& node) {
  std::string text;
  if (const auto* s = node.as_string()) {
    text = quoted(s->get());
  } else {
    std::ostringstream os;
    node.visit([&](const auto& n) { os << n; });
    text = os.str();
  }
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

[[noreturn]] void fail(const KeyContext& ctx, const toml::node& node, std::string_view allowed) {
  throw ConfigError(fmt::format("{}:{}: {} = {}: {}", ctx.file, node.source().begin.line, ctx.path,
                                render(node), allowed));
}

using Reader = std::function<void(const toml::node&, const KeyContext&)>;

struct Key {
  std::string_view name;
  Reader read;
};

struct Section {
  std::string_view name;
  std::vector<Key> keys;
};

template <class T>
Reader integer_in(T& out, uint64_t min, uint64_t max) {
  return [&out, min, max](const toml::node& node, const KeyContext& ctx) {
    const std::string allowed = fmt::format("must be an integer from {} to {}", min, max);
    const auto* v = node.as_integer();
    if (v == nullptr) fail(ctx, node, allowed);
    const int64_t n = v->get();
    if (n < 0 || static_cast<uint64_t>(n) < min || static_cast<uint64_t>(n) > max) fail(ctx, node, allowed);
    out = static_cast<T>(n);
  };
}

Reader boolean(bool& out) {
  return [&out](const toml::node& node, const KeyContext& ctx) {
    const auto* v = node.as_boolean();
    if (v == nullptr) fail(ctx, node, "must be true or false");
    out = v->get();
  };
}

const std::string* string_of(const toml::node& node) {
  const auto* v = node.as_string();
  return v == nullptr ? nullptr : &v->get();
}

Reader non_empty_string(std::string& out, std::string_view meaning) {
  const std::string allowed = fmt::format("must be a non-empty string ({})", meaning);
  return [&out, allowed](const toml::node& node, const KeyContext& ctx) {
    const std::string* s = string_of(node);
    if (s == nullptr || s->empty()) fail(ctx, node, allowed);
    out = *s;
  };
}

Reader host_port(std::string& out, bool allow_empty) {
  return [&out, allow_empty](const toml::node& node, const KeyContext& ctx) {
    const std::string* s = string_of(node);
    const std::string_view shape =
        allow_empty ? "must be \"HOST:PORT\" or \"\" (off)" : "must be a string \"HOST:PORT\"";
    if (s == nullptr) fail(ctx, node, shape);
    if (s->empty() && allow_empty) {
      out.clear();
      return;
    }
    try {
      parse_host_port(*s);
    } catch (const std::invalid_argument& e) {
      fail(ctx, node, fmt::format("{}: {}", shape, e.what()));
    }
    out = *s;
  };
}

Reader any_string(std::string& out) {
  return [&out](const toml::node& node, const KeyContext& ctx) {
    const std::string* s = string_of(node);
    if (s == nullptr) fail(ctx, node, "must be a string (a path, or \"\" for none)");
    out = *s;
  };
}

Reader one_of(std::string& out, std::vector<std::string_view> choices) {
  return [&out, choices](const toml::node& node, const KeyContext& ctx) {
    const std::string* s = string_of(node);
    for (std::string_view c : choices) {
      if (s != nullptr && *s == c) {
        out = *s;
        return;
      }
    }
    fail(ctx, node, fmt::format("must be one of: {}", fmt::join(choices, ", ")));
  };
}

bool is_fingerprint(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Reader string_list(std::vector<std::string>& out, bool (*valid)(const std::string&), std::string_view allowed) {
  return [&out, valid, allowed = std::string(allowed)](const toml::node& node, const KeyContext& ctx) {
    const auto* arr = node.as_array();
    if (arr == nullptr) fail(ctx, node, allowed);
    std::vector<std::string> items;
    for (size_t i = 0; i < arr->size(); ++i) {
      const toml::node& item = *arr->get(i);
      const std::string* s = string_of(item);
      if (s == nullptr || !valid(*s)) {
        fail(KeyContext{ctx.file, fmt::format("{}[{}]", ctx.path, i)}, item, allowed);
      }
      items.push_back(*s);
    }
    out = std::move(items);
  };
}

bool non_empty(const std::string& s) { return !s.empty(); }

std::vector<Section> schema(Config& c) {
  constexpr uint64_t kHour = 3'600'000;
  ProxySettings& p = c.proxy;
  WindowSettings& w = c.analysis.window;
  AnalysisSettings& a = c.analysis;
  return {
      {"proxy",
       {{"listen", host_port(p.listen, false)},
        {"upstream", host_port(p.upstream, false)},
        {"threads", integer_in(p.threads, 0, 1024)},
        {"buffer_bytes", integer_in(p.buffer_bytes, 4096, 64u << 20)},
        {"connect_timeout_ms", integer_in(p.connect_timeout_ms, 1, kHour)},
        {"login_timeout_ms", integer_in(p.login_timeout_ms, 1, kHour)},
        {"shutdown_grace_ms", integer_in(p.shutdown_grace_ms, 0, kHour)},
        {"max_connections", integer_in(p.max_connections, 1, 1'000'000)},
        {"event_queue_capacity", integer_in(p.event_queue_capacity, 16, 16u << 20)},
        {"analysis", boolean(p.analysis)},
        {"server_reuse", boolean(p.server_reuse)},
        {"max_idle_servers", integer_in(p.max_idle_servers, 0, 100'000)},
        {"server_idle_timeout_ms", integer_in(p.server_idle_timeout_ms, 1, kHour)},
        {"server_lifetime_ms", integer_in(p.server_lifetime_ms, 0, 24 * kHour)}}},
      {"client_tls",
       {{"sslmode", one_of(c.client_tls.sslmode, kClientSslModes)},
        {"cert_file", any_string(c.client_tls.cert_file)},
        {"key_file", any_string(c.client_tls.key_file)},
        {"ca_file", any_string(c.client_tls.ca_file)}}},
      {"server_tls",
       {{"sslmode", one_of(c.server_tls.sslmode, kServerSslModes)},
        {"ca_file", any_string(c.server_tls.ca_file)},
        {"cert_file", any_string(c.server_tls.cert_file)},
        {"key_file", any_string(c.server_tls.key_file)}}},
      {"output",
       {{"findings", non_empty_string(c.output.findings, "a path, or \"-\" for standard output")},
        {"request_summaries", boolean(c.output.request_summaries)},
        {"max_repeats_per_minute", integer_in(c.output.max_repeats_per_minute, 0, kU32Max)},
        {"max_routes", integer_in(c.output.max_routes, 1, 1'000'000)},
        {"store_buffer_findings", integer_in(c.output.store_buffer_findings, 1, 100'000'000)},
        {"findings_copy", any_string(c.output.findings_copy)}}},
      {"instance", {{"name", any_string(c.instance.name)}}},
      {"window",
       {{"idle_gap_ms", integer_in(w.idle_gap_ms, 1, kHour)},
        {"traceparent_idle_ms", integer_in(w.traceparent_idle_ms, 1, kHour)},
        {"max_statements", integer_in(w.max_statements, 1, 10'000'000)},
        {"max_fingerprints", integer_in(w.max_fingerprints, 1, 1'000'000)},
        {"max_sample_sql_bytes", integer_in(w.max_sample_sql_bytes, 64, 1u << 20)},
        {"max_open_windows", integer_in(w.max_open_windows, 1, 10'000'000)}}},
      {"n_plus_one", {{"min_repeats", integer_in(a.n_plus_one.min_repeats, 2, kU32Max)}}},
      {"duplicate_query", {{"min_repeats", integer_in(a.duplicate_query.min_repeats, 2, kU32Max)}}},
      {"unbatched_write", {{"min_repeats", integer_in(a.unbatched_write.min_repeats, 2, kU32Max)}}},
      {"unbounded_select", {{"min_rows", integer_in(a.unbounded_select.min_rows, 1, std::numeric_limits<int64_t>::max())}}},
      {"slow_query", {{"threshold_ms", integer_in(a.slow_query.threshold_ms, 1, kU32Max)}}},
      {"query_budget", {{"max_queries", integer_in(a.query_budget.max_queries, 1, kU32Max)}}},
      {"connection_churn",
       {{"min_connections", integer_in(a.connection_churn.min_connections, 2, kU32Max)},
        {"max_lifetime_ms", integer_in(a.connection_churn.max_lifetime_ms, 1, kU32Max)},
        {"within_s", integer_in(a.connection_churn.within_s, 1, 86'400)}}},
      {"suppress",
       {{"fingerprints", string_list(a.suppress.fingerprints, is_fingerprint,
                                     "must be an array of 16-character lowercase hex fingerprints")},
        {"tables", string_list(a.suppress.tables, non_empty, "must be an array of non-empty table names")},
        {"routes", string_list(a.suppress.routes, non_empty, "must be an array of non-empty routes")}}},
      {"fingerprint", {{"cache_bytes", integer_in(c.fingerprint.cache_bytes, 0, 1ull << 34)}}},
      {"admin",
       {{"listen", host_port(c.admin.listen, true)},
        {"recent_findings", integer_in(c.admin.recent_findings, 1, 100'000)},
        {"recent_requests", integer_in(c.admin.recent_requests, 1, 100'000)}}},
      {"log",
       {{"level", one_of(c.log.level, kLogLevels)},
        {"format", one_of(c.log.format, {"text", "json"})}}},
      {"advisor",
       {{"enabled", boolean(c.advisor.enabled)},
        {"user", any_string(c.advisor.user)},
        {"password_file", any_string(c.advisor.password_file)},
        {"min_total_ms", integer_in(c.advisor.min_total_ms, 1, kU32Max)},
        {"max_explains_per_minute", integer_in(c.advisor.max_explains_per_minute, 1, 100'000)},
        {"min_table_rows", integer_in(c.advisor.min_table_rows, 0, std::numeric_limits<int64_t>::max())},
        {"statement_timeout_ms", integer_in(c.advisor.statement_timeout_ms, 1, kHour)}}},
  };
}

template <class Named>
std::string names_of(const std::vector<Named>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item.name);
  return out;
}

void read_section(const Section& section, const toml::table& table, const std::string& file) {
  for (const auto& [key, node] : table) {
    KeyContext ctx{file, fmt::format("{}.{}", section.name, key.str())};
    bool known = false;
    for (const Key& k : section.keys) {
      if (k.name == key.str()) {
        k.read(node, ctx);
        known = true;
        break;
      }
    }
    if (!known) {
      throw ConfigError(fmt::format("{}:{}: unknown key {} (allowed in [{}]: {})", file, key.source().begin.line,
                                    ctx.path, section.name, names_of(section.keys)));
    }
  }
}

Config apply(const toml::table& root, const std::string& file, Config base) {
  const std::vector<Section> sections = schema(base);
  for (const auto& [name, node] : root) {
    const Section* section = nullptr;
    for (const Section& s : sections) {
      if (s.name == name.str()) section = &s;
    }
    if (section == nullptr) {
      throw ConfigError(fmt::format("{}:{}: unknown {} {} (allowed tables: {})", file, name.source().begin.line,
                                    node.is_table() ? "table" : "key", name.str(), names_of(sections)));
    }
    const auto* table = node.as_table();
    if (table == nullptr) fail(KeyContext{file, std::string(name.str())}, node, "must be a table");
    read_section(*section, *table, file);
  }
  sync_mirrors(base);
  return base;
}

}  // namespace

void sync_mirrors(Config& config) {
  config.analysis.max_repeats_per_minute = config.output.max_repeats_per_minute;
}

bool is_log_level(std::string_view level) {
  for (std::string_view l : kLogLevels) {
    if (l == level) return true;
  }
  return false;
}

Config load_config_text(std::string_view toml_text, const std::string& source_name, Config base) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}: not valid TOML: {}", source_name, e.source().begin.line,
                                  e.description()));
  }
  return apply(root, source_name, std::move(base));
}

Config load_config_file(const std::string& path, Config base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot read config file: {}", path, std::strerror(errno)));
  std::string text;
  char chunk[8192];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      throw ConfigError(fmt::format("{}: config file is larger than {} bytes", path, kMaxFileBytes));
    }
  }
  Config config = load_config_text(text, path, std::move(base));
  config.config_path = path;
  return config;
}

}  // namespace pgsleuth::config
