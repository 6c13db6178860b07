#pragma once
// Quantiles of a stream of non-negative values in bounded memory: values
// fall in logarithmic buckets (DDSketch: each bucket spans a factor of
// kGamma, so an estimate is within 1% of a true value), the max is exact.
// At most kMaxBuckets buckets: past that the lowest two merge, which only
// blurs the smallest values.

#include <cstddef>
#include <cstdint>
#include <map>

namespace pgsleuth::routes {

class QuantileSketch {
 public:
  static constexpr double kGamma = 1.02;
  static constexpr size_t kMaxBuckets = 1024;

  void add(double value);
  // q in [0, 1]; 0 when empty. A sketch of whole numbers answers whole numbers.
  double quantile(double q) const;
  double max() const { return max_; }
  uint64_t count() const { return count_; }
  size_t buckets() const { return buckets_.size(); }
  void merge(const QuantileSketch& other);

 private:
  void collapse();

  std::map<int32_t, uint64_t> buckets_;  // index -> values in it
  uint64_t zeros_ = 0;                   // values <= 0 (and below the first bucket)
  uint64_t count_ = 0;
  double max_ = 0;
  bool whole_ = true;
};

}  // namespace pgsleuth::routes
