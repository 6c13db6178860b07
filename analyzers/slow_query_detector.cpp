#include "analyzers/slow_query_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

void detect_slow_queries(const RequestWindow& window, Detections& out) {
  const double threshold = std::max<uint32_t>(window.settings().slow_query.threshold_ms, 1);
  for (const auto& group : window.groups()) {
    if (is_session_control(*group.shape)) continue;
    std::vector<const StatementRecord*> slow;
    // A statement that failed slowly (a lock or statement timeout) still cost the time.
    for (const auto* rec : eligible_records(window, group, FindingKind::SlowQuery, true)) {
      if (rec->duration_ms() >= threshold) slow.push_back(rec);
    }
    if (slow.empty()) continue;
    const auto* slowest = *std::max_element(slow.begin(), slow.end(), [](auto* a, auto* b) {
      return a->duration_ms() < b->duration_ms();
    });

    auto d = detection_for(findings::SlowQueryDetails{round_ms(slowest->duration_ms()), round_ms(db_time_ms(slow))},
                           window, group, *slowest, slow);
    d.over_threshold = slowest->duration_ms() / threshold;
    d.message = slow.size() == 1
                    ? fmt::format("A statement on {} took {:.1f} ms.", table_list(*group.shape),
                                  slowest->duration_ms())
                    : fmt::format("A statement on {} was slow {} times in one request, the "
                                  "slowest {:.1f} ms.",
                                  table_list(*group.shape), slow.size(), slowest->duration_ms());
    d.suggestion =
        "Run EXPLAIN (ANALYZE, BUFFERS) on the sample: look for sequential scans that need an "
        "index, row estimates far from the actual rows, or lock waits.";
    out.push_back(std::move(d));
  }
}

}  // namespace pgsleuth::analyzers
