#pragma once
// A fixed-bucket histogram of durations in seconds that any thread may
// observe into (relaxed atomics) and the admin thread snapshots.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

#include "admin/prometheus_text.hpp"

namespace pgsleuth::admin {

class LatencyHistogram {
 public:
  // 100 us .. 10 s: statement times from a cache hit to a runaway report.
  static constexpr std::array<double, 12> kBounds = {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,   0.1,   0.5,    1.0,   10.0};

  void observe(double seconds) {
    const size_t bucket = static_cast<size_t>(
        std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<uint64_t>(std::max(seconds, 0.0) * 1e6), std::memory_order_relaxed);
  }

  HistogramSnapshot snapshot() const {
    HistogramSnapshot s;
    s.upper_bounds.assign(kBounds.begin(), kBounds.end());
    for (const auto& c : counts_) s.bucket_counts.push_back(c.load(std::memory_order_relaxed));
    s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
    return s;
  }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<uint64_t> sum_micros_{0};
};

}  // namespace pgsleuth::admin
