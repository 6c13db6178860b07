#pragma once
// Writes the Prometheus text exposition format 0.0.4: each family's
// # HELP and # TYPE lines, then its samples. Names are checked against the
// conventions (counters end in _total) so a wrong name fails loudly in tests
// rather than silently in someone's dashboards.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metric.hpp"

namespace pgsleuth::admin {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Upper bounds ascending; counts per bucket (not cumulative), one more than
// the bounds (the last is the +Inf bucket).
struct HistogramSnapshot {
  std::vector<double> upper_bounds;
  std::vector<uint64_t> bucket_counts;
  double sum = 0;
};

bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);
std::string escape_label_value(std::string_view value);  // \\, \" and \n
std::string escape_help(std::string_view help);          // \\ and \n
std::string format_sample_value(double value);           // +Inf, -Inf, NaN, integers without ".0"

class PrometheusText {
 public:
  // Starts a family. Throws std::invalid_argument for a name that breaks
  // the conventions (bad characters, a counter without _total, a family
  // started twice).
  void family(std::string_view name, MetricType type, std::string_view help);
  // A sample of the current counter or gauge family.
  void sample(double value, const Labels& labels = {});
  // The _bucket / _sum / _count samples of the current histogram family.
  void histogram(const HistogramSnapshot& h, const Labels& labels = {});

  void counter(std::string_view name, std::string_view help, double value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return text_; }

 private:
  void write_sample(std::string_view name, const Labels& labels, double value,
                    const std::pair<std::string, std::string>* extra = nullptr);

  std::string text_;
  std::string current_;
  MetricType current_type_ = MetricType::Gauge;
  std::vector<std::string> families_;
};

}  // namespace pgsleuth::admin
