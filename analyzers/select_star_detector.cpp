#include "analyzers/select_star_detector.hpp"

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

void SelectStarDetector::detect(const RequestWindow& window, Detections& out) {
  for (const auto& group : window.groups()) {
    if (!group.shape->facts.select_star || !is_user_select(*group.shape)) continue;
    const auto records = eligible_records(window, group, FindingKind::SelectStar, false);
    if (records.empty() || !remember(group.shape->fingerprint)) continue;

    auto d = detection_for(findings::SelectStarDetails{}, window, group, *records.front(), records);
    d.message = fmt::format("A query selects every column (*) of {}.", table_list(*group.shape));
    d.suggestion =
        "Name the columns the code uses: less data on the wire, index-only scans become "
        "possible, and adding a column cannot slow this query down.";
    out.push_back(std::move(d));
  }
}

bool SelectStarDetector::remember(uint64_t fingerprint) {
  if (!reported_.insert(fingerprint).second) return false;
  order_.push_back(fingerprint);
  if (order_.size() > kMaxRemembered) {
    reported_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace pgsleuth::analyzers
