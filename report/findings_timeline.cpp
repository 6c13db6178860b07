#include "report/findings_timeline.hpp"

#include <algorithm>

namespace pgsleuth::report {
namespace {

int64_t minute_of(findings::WallTime ts) {
  return std::chrono::floor<std::chrono::minutes>(ts.time_since_epoch()).count();
}

}  // namespace

void FindingsTimeline::extend(findings::WallTime ts) {
  const int64_t m = minute_of(ts);
  first_ = first_ ? std::min(*first_, m) : m;
  last_ = last_ ? std::max(*last_, m) : m;
}

void FindingsTimeline::add_finding(findings::WallTime ts, const std::string& kind) {
  const int64_t m = minute_of(ts);
  auto it = minutes_.find(m);
  if (it == minutes_.end()) {
    if (minutes_.size() >= kMaxMinutes) {
      ++untracked_;
      return;
    }
    it = minutes_.emplace(m, std::map<std::string, uint64_t>{}).first;
  }
  ++it->second[kind];
  ++findings_;
  extend(ts);
}

Timeline FindingsTimeline::buckets(size_t max_buckets) const {
  Timeline t;
  if (!first_ || max_buckets == 0) return t;
  const int64_t span = *last_ - *first_ + 1;
  const auto limit = static_cast<int64_t>(max_buckets);
  const int64_t width = (span + limit - 1) / limit;
  t.width = std::chrono::minutes(width);
  const int64_t count = (span + width - 1) / width;
  t.buckets.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    t.buckets[static_cast<size_t>(i)].start = findings::WallTime(std::chrono::minutes(*first_ + i * width));
  }
  for (const auto& [minute, by_kind] : minutes_) {
    TimelineBucket& b = t.buckets[static_cast<size_t>((minute - *first_) / width)];
    for (const auto& [kind, n] : by_kind) {
      b.by_kind[kind] += n;
      b.total += n;
    }
  }
  return t;
}

}  // namespace pgsleuth::report
