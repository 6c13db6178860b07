#include "report/report_summary.hpp"

#include <algorithm>
#include <tuple>

namespace pgsleuth::report {
namespace {

const std::string& application_name_of(const std::optional<findings::Connection>& connection) {
  static const std::string none;
  return connection ? connection->application_name : none;
}

}  // namespace

void ReportBuilder::add_request(const findings::Window& window, const std::string& application_name,
                                uint64_t statements, double db_time_ms, std::map<std::string, RequestStat>& requests) {
  auto it = requests.find(window.request_id);
  if (it == requests.end()) {
    if (requests.size() >= kMaxRequests) {
      ++untracked_;
      return;
    }
    it = requests
             .emplace(window.request_id,
                      RequestStat{window.request_id, window.request_source, window.route, application_name, 0, 0})
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
  timeline_.extend(summary.ts);
  add_request(summary.window, application_name_of(summary.connection), summary.count, summary.db_time_ms,
              summarized_);
}

void ReportBuilder::add(const findings::RouteSummary& summary) {
  timeline_.extend(summary.period_start);
  timeline_.extend(summary.period_end);
  route_lines_.add_period(route_label(summary.route, summary.application_name), summary.requests, summary.statements,
                          summary.db_time_ms);
}

void ReportBuilder::add(const findings::Finding& finding) {
  const std::string kind(to_string(finding.kind()));
  ++findings_;
  ++by_kind_[kind];
  timeline_.add_finding(finding.ts, kind);
  const std::string& application_name = application_name_of(finding.connection);
  if (const auto* budget = std::get_if<findings::QueryBudgetDetails>(&finding.details)) {
    add_request(finding.window.value_or(findings::Window{}), application_name, finding.count, budget->db_time_ms,
                over_budget_);
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
    it = groups_.emplace(key, std::move(g)).first;
  }
  FindingGroup& g = it->second;
  // The group quotes the finding its severity label comes from.
  if (g.findings == 0 || finding.severity > g.severity ||
      (finding.severity == g.severity && finding.count > g.sample_count)) {
    g.severity = finding.severity;
    g.sample_count = finding.count;
    g.normalized = finding.normalized.value_or("");
    g.sample_sql = finding.sample_sql.value_or("");
    g.message = finding.message;
    g.suggestion = finding.suggestion;
  }
  ++g.findings;
  g.executions += finding.count;
  const std::string route = route_label(finding.route(), application_name);
  if (g.routes.size() < kMaxRoutesPerGroup && std::find(g.routes.begin(), g.routes.end(), route) == g.routes.end()) {
    g.routes.push_back(route);
  }
}

ReportSummary ReportBuilder::build() const {
  ReportSummary s;
  s.findings = findings_;
  s.request_summaries = request_summaries_;
  s.lines_skipped = lines_skipped_;
  s.findings_by_kind = by_kind_;
  s.timeline = timeline_;

  for (const auto& [key, group] : groups_) s.groups.push_back(group);
  std::sort(s.groups.begin(), s.groups.end(), [](const FindingGroup& a, const FindingGroup& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.findings != b.findings) return a.findings > b.findings;
    if (a.executions != b.executions) return a.executions > b.executions;
    return std::tie(a.kind, a.fingerprint) < std::tie(b.kind, b.fingerprint);
  });

  s.from_request_summaries = !summarized_.empty();
  const auto& requests = s.from_request_summaries ? summarized_ : over_budget_;
  // route_summary lines cover every request; a file without them (written
  // before they existed) still has its requests one by one.
  RouteRollup routes = route_lines_;
  for (const auto& [id, request] : requests) {
    s.top_requests.push_back(request);
    if (!routes.has_periods()) {
      routes.add_request(route_label(request.route, request.application_name), request.statements,
                         request.db_time_ms);
    }
  }
  s.routes_from_summaries = routes.has_periods();
  s.routes = routes.routes();
  s.untracked = untracked_ + routes.untracked() + timeline_.untracked();

  const auto most_statements = [](const RequestStat& a, const RequestStat& b) {
    if (a.statements != b.statements) return a.statements > b.statements;
    return a.request_id < b.request_id;
  };
  const size_t top = std::min(kTopRequests, s.top_requests.size());
  std::partial_sort(s.top_requests.begin(), s.top_requests.begin() + static_cast<std::ptrdiff_t>(top),
                    s.top_requests.end(), most_statements);
  s.top_requests.resize(top);
  return s;
}

}  // namespace pgsleuth::report
