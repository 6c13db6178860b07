#pragma once
// pgsleuth's /metrics: what the stages counted, each value with the
// MetricInfo its stage declared, rendered in Prometheus text format. The
// renderer knows no metric by name; the main program fills the snapshot by
// walking the stages' tables when /metrics is asked for.

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "admin/prometheus_text.hpp"
#include "common/metric.hpp"

namespace pgsleuth::admin {

struct ScalarMetric {
  MetricInfo info;
  double value = 0;
};

// One sample per entry, labelled info.label = key.
struct LabelledMetric {
  MetricInfo info;
  std::map<std::string, uint64_t> values;
};

struct HistogramMetric {
  MetricInfo info;
  HistogramSnapshot histogram;
};

// One histogram per entry, labelled info.label = key.
struct LabelledHistogramMetric {
  MetricInfo info;
  std::map<std::string, HistogramSnapshot> values;
};

struct MetricsSnapshot {
  // In order; consecutive scalars of one name are one family.
  std::vector<std::variant<ScalarMetric, LabelledMetric, HistogramMetric, LabelledHistogramMetric>> metrics;

  template <class Id>
  void add(const MetricTable<Id>& table, const MetricValues<Id>& values) {
    for (const auto& entry : table) metrics.emplace_back(ScalarMetric{entry.info, static_cast<double>(values[entry.id])});
  }
};

// Throws std::invalid_argument for a name that breaks the conventions.
std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace pgsleuth::admin
