#include <fmt/format.h>

#include "findings/details_json.hpp"
#include "findings/json.hpp"
#include "findings/json_fields.hpp"
#include "findings/rfc3339.hpp"

namespace pgsleuth::findings {
namespace {

using namespace json_fields;

json::value params(const std::optional<Params>& values) {
  if (!values) return nullptr;
  json::array out;
  out.reserve(values->size());
  for (const auto& p : *values) {
    if (p) {
      out.emplace_back(json::string(*p));
    } else {
      out.emplace_back(nullptr);
    }
  }
  return out;
}

std::optional<Params> params_or_null(const json::object& line) {
  const json::array* values = array_or_null(line, "sample_params");
  if (values == nullptr) return std::nullopt;
  Params out;
  for (const json::value& v : *values) {
    out.push_back(v.is_string() ? std::optional<std::string>(v.get_string()) : std::nullopt);
  }
  return out;
}

}  // namespace

json::object to_json(const Finding& f) {
  json::object o;
  o["ts"] = rfc3339(f.ts);
  o["kind"] = to_string(f.kind());
  o["severity"] = to_string(f.severity);
  o["fingerprint"] = optional_string(f.fingerprint);
  o["normalized"] = optional_string(f.normalized);
  o["sample_sql"] = optional_string(f.sample_sql);
  o["sample_params"] = params(f.sample_params);
  o["count"] = integer(f.count);
  put_window(o, f.window ? &*f.window : nullptr);
  put_connection(o, f.connection);
  o["instance"] = f.instance;
  o["tables"] = strings(f.tables);
  o["message"] = f.message;
  o["suggestion"] = f.suggestion;
  o["truncated"] = f.truncated;
  put_details(o, f.details);
  o["suppressed_since_last"] = integer(f.suppressed_since_last);
  return with_valid_utf8(std::move(o));
}

Finding finding_from_json(FindingKind kind, const json::object& line) {
  Finding f;
  f.count = checked_count(line);
  const std::string severity = checked_string(line, "severity").value_or("");
  const auto parsed = parse_severity(severity);
  if (!parsed) throw BadLine(fmt::format("severity '{}' is not critical, high, medium or low", severity));
  f.severity = *parsed;
  f.fingerprint = checked_string(line, "fingerprint");
  f.normalized = checked_string(line, "normalized");
  f.sample_sql = checked_string(line, "sample_sql");
  f.message = checked_string(line, "message").value_or("");
  f.suggestion = checked_string(line, "suggestion").value_or("");
  f.window = checked_window(line);
  f.ts = checked_time(line, "ts");
  f.details = details_from_json(kind, line);

  f.sample_params = params_or_null(line);
  f.connection = connection_or_null(line);
  read_into(line, "tables", f.tables);
  read_into(line, "truncated", f.truncated);
  read_into(line, "suppressed_since_last", f.suppressed_since_last);
  read_into(line, "instance", f.instance);
  return f;
}

}  // namespace pgsleuth::findings
