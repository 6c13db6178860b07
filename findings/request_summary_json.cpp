#include "findings/json.hpp"
#include "findings/json_fields.hpp"
#include "findings/rfc3339.hpp"

namespace pgsleuth::findings {

using namespace json_fields;

json::object to_json(const RequestSummary& s) {
  json::object o;
  o["ts"] = rfc3339(s.ts);
  o["kind"] = kRequestSummaryKind;
  put_window(o, &s.window);
  o["count"] = integer(s.count);
  o["db_time_ms"] = s.db_time_ms;
  o["rows"] = integer(s.rows);
  o["distinct_fingerprints"] = integer(s.distinct_fingerprints);
  o["duration_ms"] = s.duration_ms;
  o["truncated"] = s.truncated;
  put_connection(o, s.connection);
  o["instance"] = s.instance;
  return with_valid_utf8(std::move(o));
}

RequestSummary request_summary_from_json(const json::object& line) {
  RequestSummary s;
  s.count = checked_count(line);
  s.window = checked_window(line).value_or(Window{});
  s.ts = checked_time(line, "ts");
  s.db_time_ms = checked_number(line, "db_time_ms");

  read_into(line, "rows", s.rows);
  read_into(line, "distinct_fingerprints", s.distinct_fingerprints);
  read_into(line, "duration_ms", s.duration_ms);
  read_into(line, "truncated", s.truncated);
  s.connection = connection_or_null(line);
  read_into(line, "instance", s.instance);
  return s;
}

}  // namespace pgsleuth::findings
