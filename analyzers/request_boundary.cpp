#include "analyzers/request_boundary.hpp"

#include <algorithm>
#include <cmath>

#include "analyzers/request_window.hpp"

namespace pgsleuth::analyzers {

namespace {

constexpr double kFirstBucketMs = 0.008;

}  // namespace

void GapRhythm::add(double gap_ms) {
  size_t bucket = 0;
  if (gap_ms > kFirstBucketMs) {
    bucket = std::min<size_t>(kBuckets - 1, static_cast<size_t>(2 * std::log2(gap_ms / kFirstBucketMs)));
  }
  ++counts_[bucket];
  ++count_;
}

double GapRhythm::median_ms() const {
  if (count_ == 0) return 0;
  uint32_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    // The bucket's geometric middle.
    if (2 * seen >= count_) return kFirstBucketMs * std::exp2((static_cast<double>(i) + 0.5) / 2);
  }
  return 0;
}

bool RequestOpeners::contains(uint64_t fingerprint) const {
  return std::find(fingerprints_.begin(), fingerprints_.begin() + size_, fingerprint) !=
         fingerprints_.begin() + size_;
}

void RequestOpeners::add(uint64_t fingerprint) {
  if (contains(fingerprint)) return;
  fingerprints_[next_] = fingerprint;
  next_ = static_cast<uint8_t>((next_ + 1) % kMax);
  size_ = static_cast<uint8_t>(std::min<size_t>(size_ + 1, kMax));
}

bool starts_next_request(const RequestWindow& window,
                         const std::unordered_map<uint64_t, RequestOpeners>& openers, uint64_t conn,
                         const statements::AnalyzedStatement& stmt) {
  if (!stmt.shape) return false;
  const double gap = elapsed_ms(window.last_completed(), stmt.event.started);
  // Cheapest test first: almost every statement of a busy connection fails it.
  if (gap < kMinLineageGapMs) return false;
  const auto fp = stmt.shape->fingerprint;
  if (window.head_fingerprint() != fp) {
    const auto known = openers.find(conn);
    if (known == openers.end() || !known->second.contains(fp)) return false;
  }
  // A loop of the first statement over different values (an N+1 without a
  // parent query) looks like one-statement requests back to back, and on a
  // busy machine its gaps pass the floor; it is kept whole. Identical ones
  // are not a loop worth keeping: they are pages reading the same row.
  if (window.head_fingerprint() == fp && window.head_run_only() &&
      params_hash(stmt.value_hashes) != window.last_head_params()) {
    return false;
  }
  // The head again after statements that read by its rows: a parent whose
  // children have run starts the next page whatever the rhythm, which a
  // starved CPU can blur (gaps inside a request outgrowing those between).
  if (window.head_fingerprint() == fp && window.head_rows_used()) return true;
  if (gap < kMinRequestGapMs) return false;
  return window.rhythm().count() < kMinRhythmGaps ||
         gap >= kRhythmFactor * window.rhythm().median_ms();
}

}  // namespace pgsleuth::analyzers
