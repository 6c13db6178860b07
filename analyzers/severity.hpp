#pragma once
// Severity follows impact: how far past its threshold a finding is, and the
// server time it cost. Counts decide whether something is a finding at all;
// time only raises severity (a local database answers in 0.1 ms).

#include "findings/severity.hpp"

namespace pgsleuth::analyzers {

using findings::Severity;

// `over_threshold`: 1 = just at the threshold, 4 = four times it.
Severity severity_for(double over_threshold, double db_time_ms);

}  // namespace pgsleuth::analyzers
