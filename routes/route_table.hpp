#pragma once
// Requests and findings per (route, application_name), kept on the
// analysis thread and read by the admin endpoint: the route_summary lines
// (one period at a time), /routes (since start) and the statements-per-
// request histogram of /metrics. Bounded: at most max_routes keys, the
// rest summed under the route "(other)".

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "findings/finding.hpp"
#include "findings/request_summary.hpp"
#include "findings/route_summary.hpp"
#include "routes/quantile_sketch.hpp"

namespace pgsleuth::routes {

inline constexpr const char* kOtherRoute = "(other)";
// The contract's buckets of pgsleuth_request_statements.
inline constexpr std::array<double, 10> kStatementBuckets{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

// Counts per bucket (not cumulative), the last one +Inf; and their sum.
struct StatementHistogram {
  std::array<uint64_t, kStatementBuckets.size() + 1> counts{};
  double sum = 0;
};

class RouteTable {
 public:
  explicit RouteTable(size_t max_routes);

  void add(const findings::RequestSummary& request);
  void add(const findings::Finding& finding);

  // The routes with requests since the last call, ending that period at `now`.
  std::vector<findings::RouteSummary> take_period(findings::WallTime now);
  // Since start, most statements per request (p95) first.
  std::vector<findings::RouteSummary> totals(findings::WallTime now) const;
  // Since start, by route name ("" for requests without one), the same cap.
  std::map<std::string, StatementHistogram> statement_histograms() const;

 private:
  using Key = std::pair<std::optional<std::string>, std::string>;  // route, application_name

  struct Stats {
    uint64_t requests = 0;
    QuantileSketch statements;
    QuantileSketch db_time_ms;
    std::map<std::string, uint64_t> findings;
    void add(const Stats& other);
  };
  struct Entry {
    Stats period;
    Stats total;
    StatementHistogram histogram;
  };

  Entry& entry(const std::optional<std::string>& route, const std::string& application_name);
  static findings::RouteSummary summary(const Key& key, const Stats& stats, findings::WallTime start,
                                        findings::WallTime end);

  const size_t max_routes_;
  mutable std::mutex mutex_;  // the analysis thread writes, the admin thread reads
  std::map<Key, Entry> entries_;
  findings::WallTime started_;
  findings::WallTime period_start_;
};

}  // namespace pgsleuth::routes
