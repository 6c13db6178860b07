#include "app/admin_wiring.hpp"

#include "admin/admin_server.hpp"
#include "admin/metrics_exposition.hpp"
#include "app/app_metrics.hpp"
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
  const AnalysisMetrics a = analysis.metrics();
  MetricValues<AppMetric> app;
  app[AppMetric::FindingsRateLimited] = a.analyzer.findings_suppressed;
  app[AppMetric::FingerprintCacheHits] = a.cache.hits;
  app[AppMetric::FingerprintCacheMisses] = a.cache.misses;
  app[AppMetric::WindowsOpen] = a.analyzer.windows_open;
  app[AppMetric::ConfigReloads] = state.reloads.load();
  app[AppMetric::ConfigReloadFailures] = state.reload_failures.load();

  admin::MetricsSnapshot m;
  m.add(proxy::kProxyMetrics, proxy.counters());
  m.metrics.emplace_back(admin::LabelledMetric{kStatementsByKind, a.statements_by_kind});
  m.metrics.emplace_back(admin::LabelledMetric{kFindingsByKind, router.counts_by_kind()});
  m.metrics.emplace_back(admin::HistogramMetric{kStatementDuration, analysis.statement_durations().snapshot()});
  m.add(kAppMetrics, app);
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
