#include "analyzers/query_budget_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

constexpr size_t kTopFingerprints = 5;

std::vector<const FingerprintGroup*> most_repeated(const RequestWindow& window) {
  std::vector<const FingerprintGroup*> groups;
  for (const auto& g : window.groups()) groups.push_back(&g);
  std::stable_sort(groups.begin(), groups.end(), [](auto* a, auto* b) {
    return a->records.size() > b->records.size();
  });
  if (groups.size() > kTopFingerprints) groups.resize(kTopFingerprints);
  return groups;
}

}  // namespace

void detect_query_budget(const RequestWindow& window, Detections& out) {
  const auto max_queries = std::max<uint32_t>(window.settings().query_budget.max_queries, 1);
  if (window.statement_count() < max_queries) return;
  const auto top = most_repeated(window);

  findings::QueryBudgetDetails details{round_ms(window.db_time_ms()), {}, max_queries};
  for (const auto* g : top) {
    details.top.push_back({g->shape->fingerprint_hex, g->shape->normalized, g->records.size()});
  }
  Detection d;
  d.details = std::move(details);
  d.count = window.statement_count();
  d.db_time_ms = window.db_time_ms();
  d.over_threshold = static_cast<double>(d.count) / max_queries;
  // The finding quotes the most repeated statement that could be changed:
  // BEGIN/COMMIT or SET are rarely the reason a request ran too many.
  const auto quoted = std::find_if(top.begin(), top.end(),
                                   [](auto* g) { return !is_session_control(*g->shape); });
  if (quoted != top.end()) {
    d.group = *quoted;
    d.sample = &d.group->samples.front();
  }
  d.message = fmt::format(
      "One request ran {} statements (budget {}){}.", d.count, max_queries,
      !d.group ? std::string()
      // "ran 1 times" said nothing: when nothing repeats, say so.
      : d.group->records.size() == 1 ? std::string("; no statement in it ran twice")
                                     : fmt::format("; the most repeated, on {}, ran {} times",
                                                   table_list(*d.group->shape), d.group->records.size()));
  d.suggestion =
      "Fetch related data in fewer queries (JOINs, `= ANY($1)`, eager loading) and batch "
      "writes; the `top` list shows where the statements come from.";
  out.push_back(std::move(d));
}

}  // namespace pgsleuth::analyzers
