#pragma once
// What a report shows, built from a findings file: findings grouped by
// (kind, fingerprint) worst first, the requests with the most statements,
// statements and db time per request by route, findings per minute. Bounded:
// beyond the caps below, new groups, requests, routes and minutes are counted
// in `untracked` but not listed.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "findings/parse_line.hpp"
#include "report/findings_timeline.hpp"
#include "report/route_rollup.hpp"

namespace pgsleuth::report {

struct FindingGroup {
  std::string kind;
  std::string fingerprint;
  // The worst seen; the sample, message and suggestion are that finding's
  // own (of several as bad, the one with the largest count), so the numbers
  // quoted are those of the finding the label is about.
  findings::Severity severity = findings::Severity::Low;
  uint64_t sample_count = 0;
  std::string normalized;
  std::string sample_sql;
  std::string message;
  std::string suggestion;
  uint64_t findings = 0;    // lines in the group
  uint64_t executions = 0;  // sum of their counts
  std::vector<std::string> routes;  // distinct route_label()s, at most kMaxRoutesPerGroup
};

struct RequestStat {
  std::string request_id;
  std::string request_source;
  std::optional<std::string> route;
  std::string application_name;
  uint64_t statements = 0;
  double db_time_ms = 0;
};

struct ReportSummary {
  std::vector<FindingGroup> groups;       // worst first
  std::vector<RequestStat> top_requests;  // most statements first
  std::vector<RouteStat> routes;          // most statements per request first
  // True when routes come from route_summary lines (always written since
  // they exist); false when from the requests the file names.
  bool routes_from_summaries = false;
  FindingsTimeline timeline;              // findings per minute by kind
  std::map<std::string, uint64_t> findings_by_kind;
  uint64_t findings = 0;
  uint64_t request_summaries = 0;
  uint64_t lines_skipped = 0;
  uint64_t untracked = 0;
  // True when request numbers come from request_summary lines; false when
  // only query_budget_exceeded findings could stand in for them.
  bool from_request_summaries = false;
};

class ReportBuilder {
 public:
  static constexpr size_t kMaxGroups = 10'000;
  static constexpr size_t kMaxRequests = 100'000;
  static constexpr size_t kMaxRoutes = 10'000;
  static constexpr size_t kMaxRoutesPerGroup = 10;
  static constexpr size_t kTopRequests = 20;

  void add(const findings::Line& line);
  void add(const findings::Finding& finding);
  void add(const findings::RequestSummary& summary);
  void add(const findings::RouteSummary& summary);
  void skip_line() { ++lines_skipped_; }
  ReportSummary build() const;

 private:
  void add_request(const findings::Window& window, const std::string& application_name, uint64_t statements,
                   double db_time_ms, std::map<std::string, RequestStat>& requests);

  std::map<std::pair<std::string, std::string>, FindingGroup> groups_;
  std::map<std::string, RequestStat> summarized_;   // from request_summary lines
  std::map<std::string, RequestStat> over_budget_;  // from query_budget_exceeded
  RouteRollup route_lines_{kMaxRoutes};             // from route_summary lines
  FindingsTimeline timeline_;
  std::map<std::string, uint64_t> by_kind_;
  uint64_t findings_ = 0;
  uint64_t request_summaries_ = 0;
  uint64_t lines_skipped_ = 0;
  uint64_t untracked_ = 0;
};

}  // namespace pgsleuth::report
