#pragma once
// One route_summary line: a route and application_name's requests over a
// period (a minute of the stream), or since start (/routes).

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "findings/finding.hpp"

namespace pgsleuth::findings {

// Per request: median, 95th percentile (from a bounded sketch, within 1%)
// and the largest.
struct Spread {
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  bool operator==(const Spread&) const = default;
};

struct RouteSummary {
  WallTime ts{};
  std::optional<std::string> route;  // null: the requests without one
  std::string application_name;
  uint64_t requests = 0;
  Spread statements;
  Spread db_time_ms;
  std::map<std::string, uint64_t> findings;  // by kind; kinds without one absent
  WallTime period_start{};
  WallTime period_end{};
  std::string instance;                      // as Finding::instance
};

}  // namespace pgsleuth::findings
