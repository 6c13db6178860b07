#pragma once
// query_budget_exceeded: a window that ran at least query_budget.max_queries
// statements. The finding quotes the window's most repeated statement.

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_query_budget(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
