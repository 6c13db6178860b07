#pragma once
// Severity follows impact: how far past its threshold a finding is, and the
// server time it cost. Counts decide whether something is a finding at all;
// time only raises severity (a local database answers in 0.1 ms).

#include <string_view>

namespace pgsleuth::analyzers {

enum class Severity { Low, Medium, High, Critical };

std::string_view to_string(Severity severity);

// `over_threshold`: 1 = just at the threshold, 4 = four times it.
Severity severity_for(double over_threshold, double db_time_ms);

}  // namespace pgsleuth::analyzers
