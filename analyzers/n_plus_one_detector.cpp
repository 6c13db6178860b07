#include "analyzers/n_plus_one_detector.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

// The fingerprint group whose earlier results hold the repeats' parameter
// values, when most repeats (and at least two) point at the same one.
const FingerprintGroup* find_parent(const RequestWindow& window, uint32_t self,
                                    const std::vector<const StatementRecord*>& repeats) {
  std::unordered_map<uint32_t, size_t> votes;  // group -> repeats it fed
  for (const auto* rec : repeats) {
    const auto self_index = rec->index;
    std::optional<uint32_t> parent_group;
    for (const auto value : rec->value_hashes) {
      const auto producer = window.cell_producer(value);
      if (!producer || *producer >= self_index) continue;
      const auto group = window.records()[*producer].group;
      if (group != self) {
        parent_group = group;
        break;
      }
    }
    if (parent_group) ++votes[*parent_group];
  }
  const auto best = std::max_element(votes.begin(), votes.end(),
                                     [](auto& a, auto& b) { return a.second < b.second; });
  if (best == votes.end() || best->second < 2 || best->second * 2 < repeats.size()) {
    return nullptr;
  }
  return &window.groups()[best->first];
}

std::string describe(const FingerprintGroup& group, size_t count, size_t distinct,
                     const FingerprintGroup* parent) {
  const auto tables = table_list(*group.shape);
  if (!parent) {
    return fmt::format(
        "The same query on {} ran {} times in one request with {} different parameter sets; "
        "it is probably called once per item in a loop.",
        tables, count, distinct);
  }
  return fmt::format(
      "The query on {} ran {} times in one request, once per row returned by an earlier query "
      "on {} ({}): a classic N+1.",
      tables, count, table_list(*parent->shape), parent->shape->fingerprint_hex);
}

}  // namespace

void detect_n_plus_one(const RequestWindow& window, Detections& out) {
  const auto min_repeats = window.settings().n_plus_one.min_repeats;
  for (uint32_t g = 0; g < window.groups().size(); ++g) {
    const auto& group = window.groups()[g];
    if (!is_user_select(*group.shape)) continue;
    const auto repeats = eligible_records(window, group, FindingKind::NPlusOne, false);
    if (repeats.size() < std::max<uint32_t>(min_repeats, 2)) continue;
    const auto distinct = distinct_params(repeats);
    if (distinct < 2) continue;
    const FingerprintGroup* parent = find_parent(window, g, repeats);

    findings::NPlusOneDetails details{repeat_evidence(repeats), distinct, std::nullopt};
    if (parent) details.parent = {parent->shape->fingerprint_hex, parent->shape->normalized};
    auto d = detection_for(std::move(details), window, group, *repeats.front(), repeats);
    d.over_threshold = static_cast<double>(repeats.size()) / std::max<uint32_t>(min_repeats, 1);
    d.message = describe(group, repeats.size(), distinct, parent);
    d.suggestion = fmt::format(
        "Load all of them in one query: collect the values and use `WHERE <column> = ANY($1)`{}, "
        "or use your ORM's eager loading (select_related/prefetch_related, includes, "
        "joinedload/selectinload). That saves {} round trips.",
        parent ? fmt::format(", or JOIN {} into the parent query", table_list(*group.shape)) : "",
        round_trips(repeats) - 1);
    out.push_back(std::move(d));
  }
}

}  // namespace pgsleuth::analyzers
