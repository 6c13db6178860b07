#include "routes/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>

namespace pgsleuth::routes {
namespace {

const double kLogGamma = std::log(QuantileSketch::kGamma);
// Below this a value counts as zero: a microsecond of db time, say.
constexpr double kSmallest = 1e-3;

int32_t index_of(double v) { return static_cast<int32_t>(std::ceil(std::log(v) / kLogGamma)); }
// The value a bucket stands for: its relative midpoint.
double value_of(int32_t i) { return 2 * std::pow(QuantileSketch::kGamma, i) / (QuantileSketch::kGamma + 1); }

}  // namespace

void QuantileSketch::add(double value) {
  ++count_;
  if (!(value > kSmallest)) {  // NaN too
    ++zeros_;
    return;
  }
  max_ = std::max(max_, value);
  whole_ = whole_ && value == std::floor(value);
  ++buckets_[index_of(value)];
  collapse();
}

void QuantileSketch::collapse() {
  while (buckets_.size() > kMaxBuckets) {
    auto lowest = buckets_.begin();
    std::next(lowest)->second += lowest->second;
    buckets_.erase(lowest);
  }
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::floor(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_ - 1)));
  uint64_t seen = zeros_;
  if (rank < seen) return 0;
  for (const auto& [i, n] : buckets_) {
    seen += n;
    if (rank < seen) {
      const double v = std::min(value_of(i), max_);
      return whole_ ? std::round(v) : v;
    }
  }
  return max_;
}

void QuantileSketch::merge(const QuantileSketch& other) {
  for (const auto& [i, n] : other.buckets_) buckets_[i] += n;
  collapse();
  zeros_ += other.zeros_;
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  whole_ = whole_ && other.whole_;
}

}  // namespace pgsleuth::routes
