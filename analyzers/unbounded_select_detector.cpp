#include "analyzers/unbounded_select_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

void detect_unbounded_selects(const RequestWindow& window, Detections& out) {
  const auto min_rows = std::max<uint64_t>(window.settings().unbounded_select.min_rows, 1);
  for (const auto& group : window.groups()) {
    const auto& facts = group.shape->facts;
    if (!is_user_select(*group.shape) || facts.has_limit || facts.pure_aggregate) continue;
    std::vector<const StatementRecord*> big;
    for (const auto* rec : eligible_records(window, group, FindingKind::UnboundedSelect, false)) {
      if (rec->rows >= min_rows) big.push_back(rec);
    }
    if (big.empty()) continue;
    const auto* largest = *std::max_element(
        big.begin(), big.end(), [](auto* a, auto* b) { return a->rows < b->rows; });

    auto d = detection_for(findings::UnboundedSelectDetails{largest->rows, largest->bytes, round_ms(db_time_ms(big))},
                           window, group, *largest, big);
    d.over_threshold = static_cast<double>(largest->rows) / static_cast<double>(min_rows);
    d.message = fmt::format(
        "A query on {} without LIMIT returned {} rows ({} bytes) in one request.",
        table_list(*group.shape), largest->rows, largest->bytes);
    d.suggestion =
        "Page through the rows (LIMIT with keyset pagination on an indexed column), or "
        "aggregate in SQL if only a summary is needed.";
    out.push_back(std::move(d));
  }
}

}  // namespace pgsleuth::analyzers
