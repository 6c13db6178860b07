#pragma once
// n_plus_one: one SELECT shape run again and again with different
// parameters, typically once per row of an earlier query (its parent).

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

void detect_n_plus_one(const RequestWindow& window, Detections& out);

}  // namespace pgsleuth::analyzers
