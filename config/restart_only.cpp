#include "config/restart_only.hpp"

#include <algorithm>
#include <string_view>

namespace pgsleuth::config {

std::vector<std::string> restart_only_changes(const Config& a, const Config& b) {
  std::vector<std::string> out;
  auto check = [&out](std::string_view key, const auto& before, const auto& after) {
    if (before != after) out.emplace_back(key);
  };
  check("proxy.listen", a.proxy.listen, b.proxy.listen);
  check("proxy.upstream", a.proxy.upstream, b.proxy.upstream);
  check("proxy.threads", a.proxy.threads, b.proxy.threads);
  check("proxy.buffer_bytes", a.proxy.buffer_bytes, b.proxy.buffer_bytes);
  check("proxy.connect_timeout_ms", a.proxy.connect_timeout_ms, b.proxy.connect_timeout_ms);
  check("proxy.login_timeout_ms", a.proxy.login_timeout_ms, b.proxy.login_timeout_ms);
  check("proxy.shutdown_grace_ms", a.proxy.shutdown_grace_ms, b.proxy.shutdown_grace_ms);
  check("proxy.max_connections", a.proxy.max_connections, b.proxy.max_connections);
  check("proxy.event_queue_capacity", a.proxy.event_queue_capacity, b.proxy.event_queue_capacity);
  check("proxy.analysis", a.proxy.analysis, b.proxy.analysis);
  check("proxy.server_reuse", a.proxy.server_reuse, b.proxy.server_reuse);
  check("proxy.max_idle_servers", a.proxy.max_idle_servers, b.proxy.max_idle_servers);
  check("proxy.server_idle_timeout_ms", a.proxy.server_idle_timeout_ms, b.proxy.server_idle_timeout_ms);
  check("proxy.server_lifetime_ms", a.proxy.server_lifetime_ms, b.proxy.server_lifetime_ms);
  check("output.findings", a.output.findings, b.output.findings);
  check("output.max_routes", a.output.max_routes, b.output.max_routes);
  check("output.store_buffer_findings", a.output.store_buffer_findings, b.output.store_buffer_findings);
  check("output.findings_copy", a.output.findings_copy, b.output.findings_copy);
  check("instance.name", a.instance.name, b.instance.name);
  check("fingerprint.cache_bytes", a.fingerprint.cache_bytes, b.fingerprint.cache_bytes);
  check("admin.listen", a.admin.listen, b.admin.listen);
  check("admin.recent_findings", a.admin.recent_findings, b.admin.recent_findings);
  check("admin.recent_requests", a.admin.recent_requests, b.admin.recent_requests);
  check("log.level", a.log.level, b.log.level);
  check("log.format", a.log.format, b.log.format);
  check("advisor.enabled", a.advisor.enabled, b.advisor.enabled);
  check("advisor.user", a.advisor.user, b.advisor.user);
  check("advisor.password_file", a.advisor.password_file, b.advisor.password_file);
  check("advisor.min_total_ms", a.advisor.min_total_ms, b.advisor.min_total_ms);
  check("advisor.max_explains_per_minute", a.advisor.max_explains_per_minute, b.advisor.max_explains_per_minute);
  check("advisor.min_table_rows", a.advisor.min_table_rows, b.advisor.min_table_rows);
  check("advisor.statement_timeout_ms", a.advisor.statement_timeout_ms, b.advisor.statement_timeout_ms);
  // A key added to these sections but not above still gets named, coarsely.
  auto section = [&out](std::string_view name, bool changed) {
    const std::string prefix = std::string(name) + ".";
    const bool named = std::any_of(out.begin(), out.end(), [&](const std::string& k) { return k.starts_with(prefix); });
    if (changed && !named) out.push_back("[" + std::string(name) + "]");
  };
  section("proxy", a.proxy != b.proxy);
  section("admin", a.admin != b.admin);
  section("log", a.log != b.log);
  section("fingerprint", a.fingerprint != b.fingerprint);
  section("advisor", a.advisor != b.advisor);
  return out;
}

}  // namespace pgsleuth::config
