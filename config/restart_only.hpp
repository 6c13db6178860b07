#pragma once
// SIGHUP applies thresholds (analysis, output.request_summaries,
// output.max_repeats_per_minute); the rest takes effect at the next start.
// A reload that changes such a key says so instead of pretending.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace pgsleuth::config {

// The "table.key" names whose values differ and that a reload cannot apply.
std::vector<std::string> restart_only_changes(const Config& running, const Config& next);

}  // namespace pgsleuth::config
