#pragma once
// Findings per minute by kind over the run a file covers: from its earliest
// line to its latest (summary lines count, so quiet minutes show as zero).
// Bounded: at most kMaxMinutes minutes with findings are kept; findings in
// further minutes are only counted in untracked().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "findings/finding.hpp"

namespace pgsleuth::report {

struct TimelineBucket {
  findings::WallTime start;
  std::map<std::string, uint64_t> by_kind;
  uint64_t total = 0;
};

struct Timeline {
  std::chrono::minutes width{1};       // each bucket's span
  std::vector<TimelineBucket> buckets;  // consecutive, from the run's first minute to its last
};

class FindingsTimeline {
 public:
  static constexpr size_t kMaxMinutes = 100'000;  // ten weeks

  // A line at `ts`: the run reaches at least this time.
  void extend(findings::WallTime ts);
  void add_finding(findings::WallTime ts, const std::string& kind);

  bool has_run() const { return first_.has_value(); }
  uint64_t findings() const { return findings_; }
  uint64_t untracked() const { return untracked_; }
  // The whole run in at most max_buckets buckets (each a whole number of
  // minutes wide); empty when no line had a time.
  Timeline buckets(size_t max_buckets) const;

 private:
  std::map<int64_t, std::map<std::string, uint64_t>> minutes_;  // minute since the epoch -> by kind
  std::optional<int64_t> first_, last_;
  uint64_t findings_ = 0;
  uint64_t untracked_ = 0;
};

}  // namespace pgsleuth::report
