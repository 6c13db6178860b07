#include "report/route_rollup.hpp"

#include <algorithm>
#include <cmath>

namespace pgsleuth::report {

std::string route_label(const std::optional<std::string>& route, std::string_view application_name) {
  if (route) return *route;
  if (application_name.empty()) return kNoRoute;
  return "(no route: " + std::string(application_name) + ")";
}

namespace {

// Nearest rank: the smallest value with at least q of the values at or below
// it, as the stream's sketch answers (without its 1%).
findings::Spread spread_of(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const auto rank = [&](double q) {
    const auto n = static_cast<double>(values.size());
    const auto i = static_cast<size_t>(std::max(std::ceil(q * n), 1.0)) - 1;
    return values[std::min(i, values.size() - 1)];
  };
  return {rank(0.5), rank(0.95), values.back()};
}

bool more_per_request(const RouteStat& a, const RouteStat& b) {
  if (a.statements.p95 != b.statements.p95) return a.statements.p95 > b.statements.p95;
  if (a.statements.max != b.statements.max) return a.statements.max > b.statements.max;
  if (a.requests != b.requests) return a.requests > b.requests;
  return a.route < b.route;
}

}  // namespace

bool RouteRollup::room_for(size_t size, bool known) {
  if (known || size < max_routes_) return true;
  ++untracked_;
  return false;
}

void RouteRollup::add_period(const std::string& label, uint64_t requests, const findings::Spread& statements,
                             const findings::Spread& db_time_ms) {
  if (!room_for(periods_.size(), periods_.count(label) > 0)) return;
  Weighted& w = periods_[label];
  const auto n = static_cast<double>(requests);
  w.requests += requests;
  ++w.periods;
  w.statements_p50 += statements.p50 * n;
  w.statements_p95 += statements.p95 * n;
  w.statements_max = std::max(w.statements_max, statements.max);
  w.db_p50 += db_time_ms.p50 * n;
  w.db_p95 += db_time_ms.p95 * n;
  w.db_max = std::max(w.db_max, db_time_ms.max);
}

void RouteRollup::add_request(const std::string& label, uint64_t statements, double db_time_ms) {
  if (!room_for(requests_.size(), requests_.count(label) > 0)) return;
  Requests& r = requests_[label];
  r.statements.push_back(static_cast<double>(statements));
  r.db_time_ms.push_back(db_time_ms);
}

std::vector<RouteStat> RouteRollup::routes() const {
  std::vector<RouteStat> out;
  if (!periods_.empty()) {
    for (const auto& [label, w] : periods_) {
      // A line with no requests carries no weight; keep its max only.
      const double n = w.requests == 0 ? 1 : static_cast<double>(w.requests);
      out.push_back({label, w.requests, {w.statements_p50 / n, w.statements_p95 / n, w.statements_max},
                     {w.db_p50 / n, w.db_p95 / n, w.db_max}, w.periods});
    }
  } else {
    for (const auto& [label, r] : requests_) {
      out.push_back({label, r.statements.size(), spread_of(r.statements), spread_of(r.db_time_ms), 0});
    }
  }
  std::sort(out.begin(), out.end(), more_per_request);
  return out;
}

}  // namespace pgsleuth::report
