#include "analyzers/duplicate_query_detector.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

// Identical executions with no write to the tables read in between.
struct Run {
  std::vector<const StatementRecord*> records;
  bool same_result = true;
};

bool writes_any(const fingerprint::StatementShape& writer,
                const std::vector<std::string>& tables) {
  for (const auto& w : writer.facts.tables_written) {
    for (const auto& t : tables) {
      if (same_table(w, t)) return true;
    }
  }
  return false;
}

// The parameter sets executed at least `min` times, sorted: only they can
// make a run that long, so only their runs are followed.
std::vector<uint64_t> repeated_params(const std::vector<const StatementRecord*>& records, size_t min) {
  const auto hashes = sorted_param_hashes(records);
  std::vector<uint64_t> repeated;
  for (auto it = hashes.begin(); it != hashes.end();) {
    const auto end = std::upper_bound(it, hashes.end(), *it);
    if (static_cast<size_t>(end - it) >= min) repeated.push_back(*it);
    it = end;
  }
  return repeated;
}

// The longest run of identical executions of `group` in window order, among
// the parameter sets in `repeated`.
Run longest_run(const RequestWindow& window, uint32_t group_index,
                const std::vector<const StatementRecord*>& eligible, const std::vector<uint64_t>& repeated) {
  const auto& reads = window.groups()[group_index].shape->facts.tables_read;
  const auto& records = window.records();
  std::unordered_map<uint64_t, Run> open;
  Run best;
  // The best run is copied out only when its runs are about to be dropped.
  std::optional<uint64_t> best_open;
  size_t best_size = 0;
  const auto keep_best = [&] {
    if (best_open) best = open[*best_open];
    best_open.reset();
  };
  size_t next = 0;  // position in `eligible`
  const size_t first = eligible.front()->index;
  const size_t last = eligible.back()->index;
  for (size_t i = first; i <= last; ++i) {
    const auto& rec = records[i];
    if (next < eligible.size() && eligible[next] == &rec) {
      ++next;
      if (!std::binary_search(repeated.begin(), repeated.end(), rec.params_hash)) continue;
      auto& run = open[rec.params_hash];
      if (!run.records.empty() && run.records.front()->result_hash != rec.result_hash) {
        run.same_result = false;
      }
      run.records.push_back(&rec);
      if (run.records.size() > best_size) {
        best_size = run.records.size();
        best_open = rec.params_hash;
      }
    } else if (!rec.failed && writes_any(*window.groups()[rec.group].shape, reads)) {
      keep_best();
      open.clear();
    }
  }
  keep_best();
  return best;
}

}  // namespace

void detect_duplicate_queries(const RequestWindow& window, Detections& out) {
  const auto min_repeats = std::max<uint32_t>(window.settings().duplicate_query.min_repeats, 2);
  for (uint32_t g = 0; g < window.groups().size(); ++g) {
    const auto& group = window.groups()[g];
    if (!is_user_select(*group.shape)) continue;
    const auto eligible = eligible_records(window, group, FindingKind::DuplicateQuery, false);
    const auto repeated = repeated_params(eligible, min_repeats);
    if (repeated.empty()) continue;
    const Run run = longest_run(window, g, eligible, repeated);
    if (run.records.size() < min_repeats) continue;

    auto d = detection_for(findings::DuplicateQueryDetails{repeat_evidence(run.records), run.same_result, 1},
                           window, group, *run.records.front(), run.records);
    d.over_threshold = static_cast<double>(d.count) / min_repeats;
    const auto tables = table_list(*group.shape);
    d.message = run.same_result
                    ? fmt::format("The same query on {} with the same parameters ran {} times in "
                                  "one request and returned the same result each time.",
                                  tables, d.count)
                    : fmt::format("The same query on {} with the same parameters ran {} times in "
                                  "one request; its result changed in between although this "
                                  "request wrote nothing to {}.",
                                  tables, d.count, tables);
    d.suggestion = run.same_result
                       ? "Run it once and reuse the result (keep it in a variable or a "
                         "request-scoped cache)."
                       : "Read it once where the current value is needed; if another session "
                         "changes it concurrently, lock or re-read deliberately.";
    out.push_back(std::move(d));
  }
}

}  // namespace pgsleuth::analyzers
