#include "report/report_summary.hpp"

#include <algorithm>
#include <tuple>

namespace pgsleuth::report {

void ReportBuilder::add_request(const findings::Window& window, uint64_t statements, double db_time_ms,
                                std::map<std::string, RequestStat>& requests) {
  auto it = requests.find(window.request_id);
  if (it == requests.end()) {
    if (requests.size() >= kMaxRequests) {
      ++untracked_;
      return;
    }
    it = requests.emplace(window.request_id, RequestStat{window.request_id, window.request_source, window.route, 0, 0})
             .first;
  }
  // A request seen twice (a summary repeated, or several budget lines) keeps
  // its largest numbers rather than adding them up.
  it->second.statements = std::max(it->second.statements, statements);
  it->second.db_time_ms = std::max(it->second.db_time_ms, db_time_ms);
}

void ReportBuilder::add(const findings::Line& line) {
  std::visit([this](const auto& l) { add(l); }, line);
}

void ReportBuilder::add(const findings::RequestSummary& summary) {
  ++request_summaries_;
  add_request(summary.window, summary.count, summary.db_time_ms, summarized_);
}

// Every request has one request_summary line when those were written, and
// they are exact; route_summary lines (always written) stand in otherwise.
void ReportBuilder::add(const findings::RouteSummary& summary) {
  const std::string name = summary.route.value_or(kNoRoute);
  auto it = route_lines_.find(name);
  if (it == route_lines_.end()) {
    if (route_lines_.size() >= kMaxRoutes) {
      ++untracked_;
      return;
    }
    it = route_lines_.emplace(name, RouteStat{name, 0, 0, 0}).first;
  }
  RouteStat& r = it->second;
  r.requests += summary.requests;
  r.statements += static_cast<uint64_t>(summary.statements.p50 * static_cast<double>(summary.requests) + 0.5);
  r.max_statements = std::max(r.max_statements, static_cast<uint64_t>(summary.statements.max));
}

void ReportBuilder::add(const findings::Finding& finding) {
  const std::string kind(to_string(finding.kind()));
  ++findings_;
  ++by_kind_[kind];
  if (const auto* budget = std::get_if<findings::QueryBudgetDetails>(&finding.details)) {
    add_request(finding.window.value_or(findings::Window{}), finding.count, budget->db_time_ms, over_budget_);
  }

  const auto key = std::make_pair(kind, finding.fingerprint.value_or(""));
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= kMaxGroups) {
      ++untracked_;
      return;
    }
    FindingGroup g;
    g.kind = kind;
    g.fingerprint = key.second;
    g.severity = finding.severity;
    g.normalized = finding.normalized.value_or("");
    g.sample_sql = finding.sample_sql.value_or("");
    g.message = finding.message;
    g.suggestion = finding.suggestion;
    it = groups_.emplace(key, std::move(g)).first;
  }
  FindingGroup& g = it->second;
  ++g.findings;
  g.executions += finding.count;
  g.severity = std::max(g.severity, finding.severity);
  const std::string route = finding.route().value_or(kNoRoute);
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
    if (a.severity != b.severity) return a.severity > b.severity;
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

  if (!s.from_request_summaries && !route_lines_.empty()) routes = route_lines_;
  for (const auto& [name, route] : routes) s.routes.push_back(route);
  std::sort(s.routes.begin(), s.routes.end(), [](const RouteStat& a, const RouteStat& b) {
    if (a.statements != b.statements) return a.statements > b.statements;
    return a.route < b.route;
  });
  return s;
}

}  // namespace pgsleuth::report
