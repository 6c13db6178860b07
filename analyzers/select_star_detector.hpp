#pragma once
// select_star: a SELECT of * or t.*, reported once per fingerprint for the
// life of the process (the remembered set is bounded).

#include <deque>
#include <unordered_set>

#include "analyzers/detection.hpp"

namespace pgsleuth::analyzers {

class SelectStarDetector {
 public:
  static constexpr size_t kMaxRemembered = 10000;

  void detect(const RequestWindow& window, Detections& out);

 private:
  bool remember(uint64_t fingerprint);

  std::unordered_set<uint64_t> reported_;
  std::deque<uint64_t> order_;  // oldest first, forgotten first when full
};

}  // namespace pgsleuth::analyzers
