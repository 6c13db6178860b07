#include "analyzers/detection.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pgsleuth::analyzers {

std::vector<const StatementRecord*> eligible_records(const RequestWindow& window,
                                                     const FingerprintGroup& group,
                                                     FindingKind kind, bool include_failed) {
  std::vector<const StatementRecord*> out;
  out.reserve(group.records.size());
  for (const auto index : group.records) {
    const auto& rec = window.records()[index];
    if ((rec.ignore_mask & kind_bit(kind)) != 0) continue;
    if (rec.failed && !include_failed) continue;
    out.push_back(&rec);
  }
  return out;
}

double db_time_ms(const std::vector<const StatementRecord*>& records) {
  double total = 0;
  for (const auto* rec : records) total += rec->duration_ms();
  return total;
}

std::vector<uint64_t> sorted_param_hashes(const std::vector<const StatementRecord*>& records) {
  std::vector<uint64_t> hashes;
  hashes.reserve(records.size());
  for (const auto* rec : records) hashes.push_back(rec->params_hash);
  std::sort(hashes.begin(), hashes.end());
  return hashes;
}

size_t distinct_params(const std::vector<const StatementRecord*>& records) {
  auto hashes = sorted_param_hashes(records);
  return static_cast<size_t>(std::unique(hashes.begin(), hashes.end()) - hashes.begin());
}

std::string table_list(const fingerprint::StatementShape& shape) {
  const auto& f = shape.facts;
  if (!f.tables_written.empty()) return fmt::format("{}", fmt::join(f.tables_written, ", "));
  if (!f.tables_read.empty()) return fmt::format("{}", fmt::join(f.tables_read, ", "));
  return "no table";
}

double round_ms(double ms) { return std::round(ms * 1000.0) / 1000.0; }

}  // namespace pgsleuth::analyzers

namespace pgsleuth::analyzers {

findings::Gaps gap_stats(const std::vector<const StatementRecord*>& records) {
  if (records.size() < 2) return {};
  std::vector<double> gaps;
  gaps.reserve(records.size() - 1);
  for (size_t i = 1; i < records.size(); ++i) {
    gaps.push_back(elapsed_ms(records[i - 1]->completed, records[i]->started));
  }
  // The element a full sort would put in the middle, without the sort.
  const auto [min, max] = std::minmax_element(gaps.begin(), gaps.end());
  const double low = *min, high = *max;
  const auto middle = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), middle, gaps.end());
  return {round_ms(low), round_ms(*middle), round_ms(high)};
}

findings::RepeatEvidence repeat_evidence(const std::vector<const StatementRecord*>& records) {
  return {round_ms(db_time_ms(records)), gap_stats(records), round_trips(records) - 1};
}

size_t round_trips(const std::vector<const StatementRecord*>& records) {
  if (records.empty()) return 1;
  // A request sent before the previous answer arrived rode in the same
  // pipeline: it cost no round trip of its own.
  size_t trips = 1;
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i]->started >= records[i - 1]->completed) ++trips;
  }
  return trips;
}

}  // namespace pgsleuth::analyzers

namespace pgsleuth::analyzers {

Detection detection_for(findings::Details details, const RequestWindow& window,
                        const FingerprintGroup& group, const StatementRecord& quoted,
                        const std::vector<const StatementRecord*>& records) {
  Detection d;
  d.details = std::move(details);
  d.group = &group;
  d.sample = &window.sample_for(group, quoted.params_hash);
  d.count = records.size();
  d.db_time_ms = db_time_ms(records);
  return d;
}

}  // namespace pgsleuth::analyzers
