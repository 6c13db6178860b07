#pragma once
// What a report shows, built from a findings file: findings grouped by
// (kind, fingerprint) worst first, the requests with the most statements,
// statements per route. Bounded: beyond the caps below, new groups, requests
// and routes are counted in `untracked` but not listed.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "findings/parse_line.hpp"

namespace pgsleuth::report {

struct FindingGroup {
  std::string kind;
  std::string fingerprint;
  findings::Severity severity = findings::Severity::Low;  // the worst seen
  std::string normalized;
  std::string sample_sql;
  std::string message;
  std::string suggestion;
  uint64_t findings = 0;    // lines in the group
  uint64_t executions = 0;  // sum of their counts
  std::vector<std::string> routes;  // distinct, at most kMaxRoutesPerGroup
};

struct RequestStat {
  std::string request_id;
  std::string request_source;
  std::optional<std::string> route;
  uint64_t statements = 0;
  double db_time_ms = 0;
};

struct RouteStat {
  std::string route;        // "(no route)" for windows without one
  uint64_t requests = 0;
  uint64_t statements = 0;  // from route_summary lines: their medians times their requests
  uint64_t max_statements = 0;
};

struct ReportSummary {
  std::vector<FindingGroup> groups;       // worst first
  std::vector<RequestStat> top_requests;  // most statements first
  std::vector<RouteStat> routes;          // most statements first
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
  void add_request(const findings::Window& window, uint64_t statements, double db_time_ms,
                   std::map<std::string, RequestStat>& requests);

  std::map<std::pair<std::string, std::string>, FindingGroup> groups_;
  std::map<std::string, RequestStat> summarized_;   // from request_summary lines
  std::map<std::string, RequestStat> over_budget_;  // from query_budget_exceeded
  std::map<std::string, RouteStat> route_lines_;    // from route_summary lines
  std::map<std::string, uint64_t> by_kind_;
  uint64_t findings_ = 0;
  uint64_t request_summaries_ = 0;
  uint64_t lines_skipped_ = 0;
  uint64_t untracked_ = 0;
};

// The route name reports show for a window without one.
inline constexpr const char* kNoRoute = "(no route)";

}  // namespace pgsleuth::report
