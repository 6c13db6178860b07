#include "routes/route_table.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "findings/finding_kind.hpp"

namespace pgsleuth::routes {

RouteTable::RouteTable(size_t max_routes)
    : max_routes_(std::max<size_t>(max_routes, 1)),
      started_(std::chrono::system_clock::now()),
      period_start_(started_) {}

void RouteTable::Stats::add(const Stats& other) {
  requests += other.requests;
  statements.merge(other.statements);
  db_time_ms.merge(other.db_time_ms);
  for (const auto& [kind, n] : other.findings) findings[kind] += n;
}

RouteTable::Entry& RouteTable::entry(const std::optional<std::string>& route, const std::string& application_name) {
  Key key{route, application_name};
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second;
  // Full: one more key would pass the cap, so it joins "(other)", which
  // itself may take the last place.
  if (entries_.size() + 1 >= max_routes_) key = Key{std::string(kOtherRoute), ""};
  return entries_[key];
}

void RouteTable::add(const findings::RequestSummary& request) {
  const std::string app = request.connection ? request.connection->application_name : "";
  std::lock_guard lock(mutex_);
  Entry& e = entry(request.window.route, app);
  for (Stats* s : {&e.period, &e.total}) {
    ++s->requests;
    s->statements.add(static_cast<double>(request.count));
    s->db_time_ms.add(request.db_time_ms);
  }
  const auto bucket = std::lower_bound(kStatementBuckets.begin(), kStatementBuckets.end(),
                                       static_cast<double>(request.count));
  ++e.histogram.counts[static_cast<size_t>(bucket - kStatementBuckets.begin())];
  e.histogram.sum += static_cast<double>(request.count);
}

void RouteTable::add(const findings::Finding& finding) {
  // connection_churn belongs to no request, so to no route.
  if (!finding.window) return;
  const std::string app = finding.connection ? finding.connection->application_name : "";
  const std::string kind(findings::to_string(finding.kind()));
  std::lock_guard lock(mutex_);
  Entry& e = entry(finding.route(), app);
  ++e.period.findings[kind];
  ++e.total.findings[kind];
}

findings::RouteSummary RouteTable::summary(const Key& key, const Stats& stats, findings::WallTime start,
                                           findings::WallTime end) {
  findings::RouteSummary s;
  s.ts = end;
  s.route = key.first;
  s.application_name = key.second;
  s.requests = stats.requests;
  s.statements = {stats.statements.quantile(0.5), stats.statements.quantile(0.95), stats.statements.max()};
  // Milliseconds to the microsecond, as every other time a line carries.
  const auto us = [](double ms) { return std::round(ms * 1000) / 1000; };
  s.db_time_ms = {us(stats.db_time_ms.quantile(0.5)), us(stats.db_time_ms.quantile(0.95)), us(stats.db_time_ms.max())};
  s.findings = stats.findings;
  s.period_start = start;
  s.period_end = end;
  return s;
}

std::vector<findings::RouteSummary> RouteTable::take_period(findings::WallTime now) {
  std::lock_guard lock(mutex_);
  std::vector<findings::RouteSummary> out;
  for (auto& [key, e] : entries_) {
    // The contract's lines are per route that had requests; a finding
    // counted after its request's period waits for the route's next one.
    if (e.period.requests == 0) continue;
    out.push_back(summary(key, e.period, period_start_, now));
    e.period = Stats{};
  }
  period_start_ = now;
  return out;
}

std::vector<findings::RouteSummary> RouteTable::totals(findings::WallTime now) const {
  std::lock_guard lock(mutex_);
  std::vector<findings::RouteSummary> out;
  for (const auto& [key, e] : entries_) out.push_back(summary(key, e.total, started_, now));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.statements.p95 != b.statements.p95) return a.statements.p95 > b.statements.p95;
    return a.requests > b.requests;
  });
  return out;
}

std::map<std::string, StatementHistogram> RouteTable::statement_histograms() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, StatementHistogram> out;
  for (const auto& [key, e] : entries_) {
    StatementHistogram& h = out[key.first.value_or("")];
    for (size_t i = 0; i < h.counts.size(); ++i) h.counts[i] += e.histogram.counts[i];
    h.sum += e.histogram.sum;
  }
  return out;
}

}  // namespace pgsleuth::routes
