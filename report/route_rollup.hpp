#pragma once
// Statements and db time per request, per route, for the report: from the
// stream's route_summary lines (one per route and application_name per
// period), or, in a file written before those existed, from the requests the
// file names one by one.
//
// Combining periods: requests add up and max is the largest period max
// (exact). A quantile cannot be recovered from the periods' quantiles, so
// p50 and p95 are the periods' values averaged, weighted by their requests.
// That is exact for one period, and like the true value it always lies
// between the smallest and the largest period's value (at least q of every
// period's requests lie at or below the largest, so at least q of all do).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "findings/route_summary.hpp"

namespace pgsleuth::report {

// The route name reports show for a window without one.
inline constexpr const char* kNoRoute = "(no route)";

// What the report shows as a request's route: the sqlcommenter route, else
// the session's application_name, so an application without sqlcommenter
// still has a name. The findings keep route null (the contract); only the
// report's label falls back.
std::string route_label(const std::optional<std::string>& route, std::string_view application_name);

struct RouteStat {
  std::string route;  // route_label()
  uint64_t requests = 0;
  findings::Spread statements;  // per request
  findings::Spread db_time_ms;  // per request
  uint64_t periods = 0;         // route_summary lines combined; 0 when from single requests
};

class RouteRollup {
 public:
  // Beyond this many labels, further ones are counted in untracked() only.
  explicit RouteRollup(size_t max_routes) : max_routes_(max_routes) {}

  // One route_summary line.
  void add_period(const std::string& label, uint64_t requests, const findings::Spread& statements,
                  const findings::Spread& db_time_ms);
  // One request (for files without route_summary lines).
  void add_request(const std::string& label, uint64_t statements, double db_time_ms);

  bool empty() const { return periods_.empty() && requests_.empty(); }
  bool has_periods() const { return !periods_.empty(); }
  uint64_t untracked() const { return untracked_; }
  // Most statements per request (p95, then max) first; from the periods when
  // there are any, else from the single requests.
  std::vector<RouteStat> routes() const;

 private:
  struct Weighted {
    uint64_t requests = 0;
    uint64_t periods = 0;
    double statements_p50 = 0, statements_p95 = 0, statements_max = 0;  // p50/p95: sums of value * requests
    double db_p50 = 0, db_p95 = 0, db_max = 0;
  };
  struct Requests {
    std::vector<double> statements;
    std::vector<double> db_time_ms;
  };
  bool room_for(size_t size, bool known);

  size_t max_routes_;
  std::map<std::string, Weighted> periods_;
  std::map<std::string, Requests> requests_;
  uint64_t untracked_ = 0;
};

}  // namespace pgsleuth::report
