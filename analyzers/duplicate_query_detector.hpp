#pragma once
// duplicate_query: one SELECT run again with identical parameters and no
// write to a table it reads in between (a re-read after a write is correct).

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_duplicate_queries(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
