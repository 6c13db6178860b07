#include "analyzers/severity.hpp"

namespace pgsleuth::analyzers {

Severity severity_for(double over_threshold, double db_time_ms) {
  if (over_threshold >= 10 || db_time_ms >= 1000) return Severity::Critical;
  if (over_threshold >= 4 || db_time_ms >= 250) return Severity::High;
  if (over_threshold >= 2 || db_time_ms >= 50) return Severity::Medium;
  return Severity::Low;
}

}  // namespace pgsleuth::analyzers
