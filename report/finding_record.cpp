#include "report/finding_record.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace pgsleuth::report {
namespace {

namespace json = boost::json;

const json::value* field(const json::object& obj, std::string_view name) {
  const auto it = obj.find(name);
  return it == obj.end() ? nullptr : &it->value();
}

// A string field: absent or null gives "", another type is a bad line.
std::string string_field(const json::object& obj, std::string_view name) {
  const json::value* v = field(obj, name);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) throw BadLine(fmt::format("field '{}' must be a string", name));
  return std::string(v->get_string());
}

double number_field(const json::object& obj, std::string_view name) {
  const json::value* v = field(obj, name);
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  throw BadLine(fmt::format("field '{}' must be a number", name));
}

uint64_t count_field(const json::object& obj) {
  const json::value* v = field(obj, "count");
  if (v == nullptr) throw BadLine("field 'count' is missing");
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<uint64_t>(v->get_int64());
  throw BadLine("field 'count' must be a non-negative integer");
}

}  // namespace

const std::vector<std::string_view>& finding_kinds() {
  static const std::vector<std::string_view> kinds = {
      "n_plus_one", "duplicate_query", "unbatched_write", "unbounded_select",
      "select_star", "slow_query", "query_budget_exceeded", "connection_churn"};
  return kinds;
}

bool is_finding_kind(std::string_view kind) {
  for (std::string_view k : finding_kinds()) {
    if (k == kind) return true;
  }
  return false;
}

int severity_rank(std::string_view severity) {
  if (severity == "critical") return 3;
  if (severity == "high") return 2;
  if (severity == "medium") return 1;
  return 0;
}

FindingRecord parse_finding_line(std::string_view line) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(line, ec);
  if (ec) throw BadLine(fmt::format("not JSON: {}", ec.message()));
  if (!parsed.is_object()) throw BadLine("not a JSON object");
  const json::object& obj = parsed.get_object();

  FindingRecord r;
  r.kind = string_field(obj, "kind");
  if (r.kind.empty()) throw BadLine("field 'kind' is missing");
  if (!r.is_request_summary() && !is_finding_kind(r.kind)) {
    throw BadLine(fmt::format("unknown kind '{}'", r.kind));
  }
  r.count = count_field(obj);
  r.severity = string_field(obj, "severity");
  if (!r.is_request_summary() && r.severity != "critical" && r.severity != "high" && r.severity != "medium" &&
      r.severity != "low") {
    throw BadLine(fmt::format("severity '{}' is not critical, high, medium or low", r.severity));
  }
  r.fingerprint = string_field(obj, "fingerprint");
  r.normalized = string_field(obj, "normalized");
  r.sample_sql = string_field(obj, "sample_sql");
  r.message = string_field(obj, "message");
  r.suggestion = string_field(obj, "suggestion");
  r.request_id = string_field(obj, "request_id");
  r.request_source = string_field(obj, "request_source");
  r.ts = string_field(obj, "ts");
  if (const json::value* route = field(obj, "route"); route != nullptr && !route->is_null()) {
    if (!route->is_string()) throw BadLine("field 'route' must be a string or null");
    r.route = std::string(route->get_string());
  }
  r.db_time_ms = number_field(obj, "db_time_ms");
  return r;
}

}  // namespace pgsleuth::report
