#include "admin/metrics_exposition.hpp"

namespace pgsleuth::admin {

std::string render_metrics(const MetricsSnapshot& snapshot) {
  PrometheusText out;
  std::string_view family;  // the scalar family being written
  for (const auto& metric : snapshot.metrics) {
    if (const auto* m = std::get_if<ScalarMetric>(&metric)) {
      if (m->info.name != family) out.family(m->info.name, m->info.type, m->info.help);
      family = m->info.name;
      Labels labels;
      if (!m->info.label.empty()) labels.emplace_back(m->info.label, m->info.label_value);
      out.sample(m->value, labels);
      continue;
    }
    family = {};
    if (const auto* m = std::get_if<LabelledMetric>(&metric)) {
      out.family(m->info.name, m->info.type, m->info.help);
      const std::string label(m->info.label);
      for (const auto& [key, value] : m->values) out.sample(static_cast<double>(value), {{label, key}});
    } else if (const auto* m = std::get_if<HistogramMetric>(&metric)) {
      out.family(m->info.name, MetricType::Histogram, m->info.help);
      out.histogram(m->histogram);
    } else if (const auto* m = std::get_if<LabelledHistogramMetric>(&metric)) {
      out.family(m->info.name, MetricType::Histogram, m->info.help);
      const std::string label(m->info.label);
      for (const auto& [key, histogram] : m->values) out.histogram(histogram, {{label, key}});
    }
  }
  return out.text();
}

}  // namespace pgsleuth::admin
