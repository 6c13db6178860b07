#pragma once
// One request window's numbers: always on the admin endpoint's /requests,
// in the findings stream with output.request_summaries.

#include <cstdint>
#include <optional>

#include "findings/finding.hpp"

namespace pgsleuth::findings {

struct RequestSummary {
  WallTime ts{};
  Window window;
  uint64_t count = 0;  // statements
  double db_time_ms = 0;
  uint64_t rows = 0;
  uint64_t distinct_fingerprints = 0;
  double duration_ms = 0;  // first statement's start to last one's completion
  bool truncated = false;
  std::optional<Connection> connection;  // the window's first
  std::string instance;                  // as Finding::instance
};

}  // namespace pgsleuth::findings
