#include "admin/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "admin/latency_histogram.hpp"

namespace pgsleuth::admin {
namespace {

TEST(PrometheusText, CounterAndGaugeWithHelpAndType) {
  PrometheusText t;
  t.counter("pgsleuth_connections_total", "Connections accepted.", 7);
  t.gauge("pgsleuth_windows_open", "Windows open now.\nSecond line \\ here", 2.5);
  EXPECT_EQ(t.text(),
            "# HELP pgsleuth_connections_total Connections accepted.\n"
            "# TYPE pgsleuth_connections_total counter\n"
            "pgsleuth_connections_total 7\n"
            "# HELP pgsleuth_windows_open Windows open now.\\nSecond line \\\\ here\n"
            "# TYPE pgsleuth_windows_open gauge\n"
            "pgsleuth_windows_open 2.5\n");
}

TEST(PrometheusText, LabelsAreEscaped) {
  PrometheusText t;
  t.family("x_total", MetricType::Counter, "h");
  t.sample(1, {{"route", "a\"b\\c\nd"}, {"kind", "n_plus_one"}});
  EXPECT_NE(t.text().find("x_total{route=\"a\\\"b\\\\c\\nd\",kind=\"n_plus_one\"} 1\n"), std::string::npos) << t.text();
}

TEST(PrometheusText, HistogramBucketsAreCumulative) {
  PrometheusText t;
  t.family("lat_seconds", MetricType::Histogram, "h");
  t.histogram({{0.1, 1}, {2, 3, 4}, 5.25});
  EXPECT_EQ(t.text(),
            "# HELP lat_seconds h\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.1\"} 2\n"
            "lat_seconds_bucket{le=\"1\"} 5\n"
            "lat_seconds_bucket{le=\"+Inf\"} 9\n"
            "lat_seconds_sum 5.25\n"
            "lat_seconds_count 9\n");
}

TEST(PrometheusText, ConventionsAreEnforced) {
  PrometheusText t;
  EXPECT_THROW(t.family("connections", MetricType::Counter, "h"), std::invalid_argument);
  EXPECT_THROW(t.family("open_total", MetricType::Gauge, "h"), std::invalid_argument);
  EXPECT_THROW(t.family("9lives", MetricType::Gauge, "h"), std::invalid_argument);
  EXPECT_THROW(t.family("a-b", MetricType::Gauge, "h"), std::invalid_argument);
  EXPECT_THROW(t.sample(1), std::invalid_argument);  // no family yet
  t.family("ok_total", MetricType::Counter, "h");
  EXPECT_THROW(t.family("ok_total", MetricType::Counter, "h"), std::invalid_argument);
  EXPECT_THROW(t.sample(1, {{"__reserved", "x"}}), std::invalid_argument);
  EXPECT_THROW(t.histogram({{1}, {1, 2}, 0}), std::invalid_argument);  // not a histogram family
  t.family("h_seconds", MetricType::Histogram, "h");
  EXPECT_THROW(t.histogram({{1}, {1}, 0}), std::invalid_argument);  // missing +Inf bucket
}

TEST(PrometheusText, SpecialValues) {
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
  EXPECT_EQ(format_sample_value(12345678901.0), "12345678901");
  EXPECT_EQ(format_sample_value(0.001), "0.001");
}

TEST(LatencyHistogram, ObservesIntoBuckets) {
  LatencyHistogram h;
  h.observe(0.00005);  // first bucket
  h.observe(0.003);    // le 0.005
  h.observe(0.005);    // le 0.005 (bounds are inclusive)
  h.observe(60);       // +Inf
  const HistogramSnapshot s = h.snapshot();
  ASSERT_EQ(s.bucket_counts.size(), s.upper_bounds.size() + 1);
  EXPECT_EQ(s.bucket_counts[0], 1u);
  EXPECT_EQ(s.bucket_counts[4], 2u);
  EXPECT_EQ(s.bucket_counts.back(), 1u);
  EXPECT_NEAR(s.sum, 60.00805, 1e-5);
}

}  // namespace
}  // namespace pgsleuth::admin
