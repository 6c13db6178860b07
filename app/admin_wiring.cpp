#include "app/admin_wiring.hpp"

#include "admin/admin_server.hpp"
#include "admin/metrics_exposition.hpp"
#include "findings/json.hpp"

namespace pgsleuth::app {

AdminState::AdminState(const config::AdminSettings& settings)
    : findings_(settings.recent_findings), requests_(settings.recent_requests) {}

void AdminState::emit(const findings::Finding& finding) { findings_.push(findings::to_json(finding)); }

void AdminState::emit(const findings::RequestSummary& summary) { requests_.push(findings::to_json(summary)); }

boost::json::array AdminState::recent_findings() const { return findings_.newest_first(); }

boost::json::array AdminState::recent_requests() const { return requests_.largest_first("count"); }

namespace {

admin::MetricsSnapshot snapshot(const AdminState& state, proxy::ProxyServer& proxy, AnalysisThread& analysis,
                                FindingRouter& router) {
  admin::MetricsSnapshot m;
  proxy::ProxyCounters p = proxy.counters();
  AnalysisMetrics a = analysis.metrics();
  m.connections_active = p.connections_active;
  m.connections_total = p.connections_total;
  m.bytes_client_to_server = p.bytes_from_clients;
  m.bytes_server_to_client = p.bytes_from_servers;
  m.statements_by_kind = a.statements_by_kind;
  m.findings_by_kind = router.counts_by_kind();
  m.findings_rate_limited = a.analyzer.findings_suppressed;
  m.statement_duration_seconds = analysis.statement_durations().snapshot();
  m.fingerprint_cache_hits = a.cache.hits;
  m.fingerprint_cache_misses = a.cache.misses;
  m.windows_open = a.analyzer.windows_open;
  m.events_dropped = p.events_dropped;
  m.protocol_errors = p.observer_failures;
  m.upstream_connect_failures = p.upstream_connect_failures;
  m.connections_refused = p.connections_refused;
  m.servers_reused = p.servers_reused;
  m.server_resets_failed = p.server_resets_failed;
  m.servers_idle = p.servers_idle;
  m.config_reloads = state.reloads.load();
  m.config_reload_failures = state.reload_failures.load();
  return m;
}

}  // namespace

AdminEndpoint::AdminEndpoint(const std::string& listen, AdminState& state, proxy::ProxyServer& proxy,
                             AnalysisThread& analysis, FindingRouter& router) {
  admin::Handlers handlers;
  handlers.metrics = [&state, &proxy, &analysis, &router] {
    return admin::render_metrics(snapshot(state, proxy, analysis, router));
  };
  handlers.findings = [&state] { return state.recent_findings(); };
  handlers.requests = [&state] { return state.recent_requests(); };
  server_ = std::make_unique<admin::AdminServer>(listen, std::move(handlers));
  server_->start();
  address_ = listen.substr(0, listen.rfind(':')) + ":" + std::to_string(server_->port());
}

AdminEndpoint::~AdminEndpoint() {
  if (server_) server_->stop();
}

std::string AdminEndpoint::address() const { return address_; }

}  // namespace pgsleuth::app
