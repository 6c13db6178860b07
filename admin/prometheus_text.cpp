#include "admin/prometheus_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pgsleuth::admin {
namespace {

bool is_name_char(char c, bool first, bool allow_colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, allow_colon)) return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool is_valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool is_valid_label_name(std::string_view name) { return valid_name(name, false) && name.substr(0, 2) != "__"; }

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{}", value);
}

void PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  if (!is_valid_metric_name(name)) throw std::invalid_argument(fmt::format("bad metric name '{}'", name));
  if (type == MetricType::Counter && !ends_with(name, "_total")) {
    throw std::invalid_argument(fmt::format("counter '{}' must end in _total", name));
  }
  if (type != MetricType::Counter && ends_with(name, "_total")) {
    throw std::invalid_argument(fmt::format("only counters end in _total: '{}'", name));
  }
  if (std::find(families_.begin(), families_.end(), name) != families_.end()) {
    throw std::invalid_argument(fmt::format("metric family '{}' written twice", name));
  }
  families_.emplace_back(name);
  current_ = std::string(name);
  current_type_ = type;
  const char* type_name = type == MetricType::Counter ? "counter" : type == MetricType::Gauge ? "gauge" : "histogram";
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type_name);
}

void PrometheusText::write_sample(std::string_view name, const Labels& labels, double value,
                                  const std::pair<std::string, std::string>* extra) {
  text_ += name;
  if (!labels.empty() || extra != nullptr) {
    text_ += '{';
    bool first = true;
    const auto write_label = [&](const std::pair<std::string, std::string>& label) {
      if (!is_valid_label_name(label.first)) throw std::invalid_argument(fmt::format("bad label name '{}'", label.first));
      text_ += fmt::format("{}{}=\"{}\"", first ? "" : ",", label.first, escape_label_value(label.second));
      first = false;
    };
    for (const auto& label : labels) write_label(label);
    if (extra != nullptr) write_label(*extra);
    text_ += '}';
  }
  text_ += ' ';
  text_ += format_sample_value(value);
  text_ += '\n';
}

void PrometheusText::sample(double value, const Labels& labels) {
  if (current_.empty() || current_type_ == MetricType::Histogram) {
    throw std::invalid_argument("sample() needs a counter or gauge family first");
  }
  write_sample(current_, labels, value);
}

void PrometheusText::histogram(const HistogramSnapshot& h, const Labels& labels) {
  if (current_.empty() || current_type_ != MetricType::Histogram) {
    throw std::invalid_argument("histogram() needs a histogram family first");
  }
  if (h.bucket_counts.size() != h.upper_bounds.size() + 1) {
    throw std::invalid_argument("histogram needs one count per bound plus the +Inf bucket");
  }
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.bucket_counts.size(); ++i) {
    cumulative += h.bucket_counts[i];
    const std::pair<std::string, std::string> le{
        "le", i < h.upper_bounds.size() ? format_sample_value(h.upper_bounds[i]) : "+Inf"};
    write_sample(current_ + "_bucket", labels, static_cast<double>(cumulative), &le);
  }
  write_sample(current_ + "_sum", labels, h.sum);
  write_sample(current_ + "_count", labels, static_cast<double>(cumulative));
}

void PrometheusText::counter(std::string_view name, std::string_view help, double value) {
  family(name, MetricType::Counter, help);
  sample(value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, MetricType::Gauge, help);
  sample(value);
}

}  // namespace pgsleuth::admin
