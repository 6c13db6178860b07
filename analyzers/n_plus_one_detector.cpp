#include "analyzers/n_plus_one_detector.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

struct Parent {
  const FingerprintGroup* group = nullptr;
  // Every repeat was fed by an execution of its own that returned one row:
  // a lookup following a lookup (a detail page: the book, then its author),
  // which is what back-to-back requests look like when they share a window.
  // A real N+1 is many repeats fed by one execution returning many rows.
  bool chained = false;
};

// The fingerprint group whose earlier results hold the repeats' parameter
// values, when most repeats (and at least two) point at the same one.
Parent find_parent(const RequestWindow& window, uint32_t self,
                   const std::vector<const StatementRecord*>& repeats) {
  struct Votes {
    size_t repeats = 0;
    std::unordered_set<uint32_t> producers;  // records that fed them
    bool single_rows = true;
  };
  std::unordered_map<uint32_t, Votes> votes;  // group -> repeats it fed
  for (const auto* rec : repeats) {
    const auto self_index = rec->index;
    for (const auto value : rec->value_hashes) {
      const auto producer = window.cell_producer(value);
      if (!producer || *producer >= self_index) continue;
      const auto& parent = window.records()[*producer];
      if (parent.group != self) {
        auto& v = votes[parent.group];
        ++v.repeats;
        v.producers.insert(*producer);
        v.single_rows = v.single_rows && parent.rows <= 1;
        break;
      }
    }
  }
  const auto best = std::max_element(votes.begin(), votes.end(), [](auto& a, auto& b) {
    return a.second.repeats < b.second.repeats;
  });
  if (best == votes.end() || best->second.repeats < 2 || best->second.repeats * 2 < repeats.size()) {
    return {};
  }
  const auto& v = best->second;
  return {&window.groups()[best->first], v.single_rows && v.producers.size() == v.repeats};
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
    const auto [parent, chained] = find_parent(window, g, repeats);
    if (chained) continue;

    findings::NPlusOneDetails details{repeat_evidence(repeats), distinct, std::nullopt, {}};
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
