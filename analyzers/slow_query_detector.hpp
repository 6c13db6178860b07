#pragma once
// slow_query: executions whose time from request to completion at the proxy
// reached slow_query.threshold_ms.

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_slow_queries(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
