#include "report/report_summary.hpp"

#include <algorithm>
#include <tuple>

namespace pgsleuth::report {

void ReportBuilder::add_request(const FindingRecord& record, std::map<std::string, RequestStat>& requests) {
  auto it = requests.find(record.request_id);
  if (it == requests.end()) {
    if (requests.size() >= kMaxRequests) {
      ++untracked_;
      return;
    }
    it = requests.emplace(record.request_id, RequestStat{record.request_id, record.request_source, record.route, 0, 0})
             .first;
  }
  // A request seen twice (a summary repeated, or several budget lines) keeps
  // its largest numbers rather than adding them up.
  it->second.statements = std::max(it->second.statements, record.count);
  it->second.db_time_ms = std::max(it->second.db_time_ms, record.db_time_ms);
}

void ReportBuilder::add(const FindingRecord& record) {
  if (record.is_request_summary()) {
    ++request_summaries_;
    add_request(record, summarized_);
    return;
  }
  ++findings_;
  ++by_kind_[record.kind];
  if (record.kind == "query_budget_exceeded") add_request(record, over_budget_);

  const auto key = std::make_pair(record.kind, record.fingerprint);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= kMaxGroups) {
      ++untracked_;
      return;
    }
    FindingGroup g;
    g.kind = record.kind;
    g.fingerprint = record.fingerprint;
    g.severity = record.severity;
    g.normalized = record.normalized;
    g.sample_sql = record.sample_sql;
    g.message = record.message;
    g.suggestion = record.suggestion;
    it = groups_.emplace(key, std::move(g)).first;
  }
  FindingGroup& g = it->second;
  ++g.findings;
  g.executions += record.count;
  if (severity_rank(record.severity) > severity_rank(g.severity)) g.severity = record.severity;
  const std::string route = record.route.value_or(kNoRoute);
  if (g.routes.size() < kMaxRoutesPerGroup && std::find(g.routes.begin(), g.routes.end(), route) == g.routes.end()) {
    g.routes.push_back(route);
  }
}

ReportSummary ReportBuilder::build() const {
  ReportSummary s;
  s.findings = findings_;
  s.request_summaries = request_summaries_;
  s.lines_skipped = lines_skipped_;
  s.untracked = untracked_;
  s.findings_by_kind = by_kind_;

  for (const auto& [key, group] : groups_) s.groups.push_back(group);
  std::sort(s.groups.begin(), s.groups.end(), [](const FindingGroup& a, const FindingGroup& b) {
    const int ra = severity_rank(a.severity), rb = severity_rank(b.severity);
    if (ra != rb) return ra > rb;
    if (a.findings != b.findings) return a.findings > b.findings;
    if (a.executions != b.executions) return a.executions > b.executions;
    return std::tie(a.kind, a.fingerprint) < std::tie(b.kind, b.fingerprint);
  });

  s.from_request_summaries = !summarized_.empty();
  const auto& requests = s.from_request_summaries ? summarized_ : over_budget_;
  std::map<std::string, RouteStat> routes;
  for (const auto& [id, request] : requests) {
    s.top_requests.push_back(request);
    const std::string name = request.route.value_or(kNoRoute);
    auto it = routes.find(name);
    if (it == routes.end()) {
      if (routes.size() >= kMaxRoutes) continue;
      it = routes.emplace(name, RouteStat{name, 0, 0, 0}).first;
    }
    ++it->second.requests;
    it->second.statements += request.statements;
    it->second.max_statements = std::max(it->second.max_statements, request.statements);
  }
  const auto most_statements = [](const RequestStat& a, const RequestStat& b) {
    if (a.statements != b.statements) return a.statements > b.statements;
    return a.request_id < b.request_id;
  };
  const size_t top = std::min(kTopRequests, s.top_requests.size());
  std::partial_sort(s.top_requests.begin(), s.top_requests.begin() + static_cast<std::ptrdiff_t>(top),
                    s.top_requests.end(), most_statements);
  s.top_requests.resize(top);

  for (const auto& [name, route] : routes) s.routes.push_back(route);
  std::sort(s.routes.begin(), s.routes.end(), [](const RouteStat& a, const RouteStat& b) {
    if (a.statements != b.statements) return a.statements > b.statements;
    return a.route < b.route;
  });
  return s;
}

}  // namespace pgsleuth::report
