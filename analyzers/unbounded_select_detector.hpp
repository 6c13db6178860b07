#pragma once
// unbounded_select: a SELECT with no LIMIT/FETCH that returned many rows.

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_unbounded_selects(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
