#pragma once
// unbatched_write: one INSERT/UPDATE/DELETE shape run row by row where one
// batched statement would do.

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_unbatched_writes(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
