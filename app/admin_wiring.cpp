#include "app/admin_wiring.hpp"

#include "admin/admin_server.hpp"
#include "admin/metrics_exposition.hpp"
#include "advisor/advisor_metrics.hpp"
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

admin::HistogramSnapshot histogram_of(const routes::StatementHistogram& h) {
  admin::HistogramSnapshot out;
  out.upper_bounds.assign(routes::kStatementBuckets.begin(), routes::kStatementBuckets.end());
  out.bucket_counts.assign(h.counts.begin(), h.counts.end());
  out.sum = h.sum;
  return out;
}

admin::MetricsSnapshot snapshot(const AdminState& state, proxy::ProxyServer& proxy, AnalysisThread& analysis,
                                FindingRouter& router, const routes::RouteTable& routes) {
  const AnalysisMetrics a = analysis.metrics();
  MetricValues<AppMetric> app;
  app[AppMetric::FindingsRateLimited] = a.analyzer.findings_suppressed;
  app[AppMetric::FingerprintCacheHits] = a.cache.hits;
  app[AppMetric::FingerprintCacheMisses] = a.cache.misses;
  app[AppMetric::WindowsOpen] = a.analyzer.windows_open;
  app[AppMetric::ConfigReloads] = state.reloads.load();
  app[AppMetric::ConfigReloadFailures] = state.reload_failures.load();
  for (const sinks::StoreWriter* store : state.stores) {
    const sinks::StoreStats s = store->stats();
    app[AppMetric::StoreWritten] += s.written;
    app[AppMetric::StoreDropped] += s.dropped;
    app[AppMetric::StoreWaiting] += s.waiting;
  }

  admin::MetricsSnapshot m;
  m.add(proxy::kProxyMetrics, proxy.counters());
  m.metrics.emplace_back(admin::LabelledMetric{kStatementsByKind, a.statements_by_kind});
  m.metrics.emplace_back(admin::LabelledMetric{kFindingsByKind, router.counts_by_kind()});
  m.metrics.emplace_back(admin::HistogramMetric{kStatementDuration, analysis.statement_durations().snapshot()});
  admin::LabelledHistogramMetric per_route{kRequestStatements, {}};
  for (const auto& [route, h] : routes.statement_histograms()) per_route.values.emplace(route, histogram_of(h));
  m.metrics.emplace_back(std::move(per_route));
  m.add(kAppMetrics, app);
  // At 0 while the advisor is off, so dashboards need no special case.
  m.add(advisor::kAdvisorMetrics,
        analysis.advisor() ? analysis.advisor()->metrics() : MetricValues<advisor::AdvisorMetric>{});
  return m;
}

}  // namespace

AdminEndpoint::AdminEndpoint(const std::string& listen, AdminState& state, proxy::ProxyServer& proxy,
                             AnalysisThread& analysis, FindingRouter& router, routes::RouteTable& routes) {
  admin::Handlers handlers;
  handlers.metrics = [&state, &proxy, &analysis, &router, &routes] {
    return admin::render_metrics(snapshot(state, proxy, analysis, router, routes));
  };
  handlers.routes = [&routes] {
    boost::json::array out;
    for (const auto& summary : routes.totals(std::chrono::system_clock::now())) out.push_back(findings::to_json(summary));
    return out;
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
