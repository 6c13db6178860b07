#include "routes/quantile_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace pgsleuth::routes {
namespace {

TEST(QuantileSketch, EmptyIsZero) {
  QuantileSketch s;
  EXPECT_EQ(s.quantile(0.5), 0);
  EXPECT_EQ(s.max(), 0);
}

TEST(QuantileSketch, WholeNumbersComeBackWhole) {
  QuantileSketch s;
  for (int i = 0; i < 10; ++i) s.add(4);
  s.add(12);
  EXPECT_EQ(s.quantile(0.5), 4);
  EXPECT_EQ(s.quantile(1.0), 12);
  EXPECT_EQ(s.max(), 12);
}

// Against the exact quantiles of 100,000 values spread over six decades.
TEST(QuantileSketch, WithinOnePercentOfTheTrueQuantile) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> dist(1.0, 2.0);
  QuantileSketch s;
  std::vector<double> values;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(dist(rng));
    s.add(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    const double truth = values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
    EXPECT_NEAR(s.quantile(q), truth, truth * 0.011) << "q=" << q;
  }
  EXPECT_EQ(s.max(), values.back());
}

TEST(QuantileSketch, StaysBoundedOverAnyRange) {
  QuantileSketch s;
  std::vector<double> values;
  for (double v = 1e-3; v < 1e12; v *= 1.001) {
    values.push_back(v);
    s.add(v);
  }
  EXPECT_LE(s.buckets(), QuantileSketch::kMaxBuckets);
  // Past kMaxBuckets the lowest merge: the upper quantiles keep their 1%.
  for (double q : {0.5, 0.95, 0.99}) {
    const double truth = values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
    EXPECT_NEAR(s.quantile(q), truth, truth * 0.011) << "q=" << q;
  }
}

TEST(QuantileSketch, MergeEqualsAddingBoth) {
  QuantileSketch a, b, both;
  for (int i = 1; i <= 100; ++i) {
    (i % 2 ? a : b).add(i);
    both.add(i);
  }
  a.merge(b);
  for (double q : {0.1, 0.5, 0.95}) EXPECT_EQ(a.quantile(q), both.quantile(q));
  EXPECT_EQ(a.count(), both.count());
}

}  // namespace
}  // namespace pgsleuth::routes
