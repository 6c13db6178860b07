#include "findings/json.hpp"
#include "findings/json_fields.hpp"
#include "findings/rfc3339.hpp"

namespace pgsleuth::findings {

using namespace json_fields;

namespace {

json::object spread(const Spread& s) { return json::object{{"p50", s.p50}, {"p95", s.p95}, {"max", s.max}}; }

Spread spread_from(const json::object& line, std::string_view name) {
  Spread s;
  if (const json::object* o = object_or_null(line, name)) {
    read_into(*o, "p50", s.p50);
    read_into(*o, "p95", s.p95);
    read_into(*o, "max", s.max);
  }
  return s;
}

}  // namespace

json::object to_json(const RouteSummary& s) {
  json::object o;
  o["ts"] = rfc3339(s.ts);
  o["kind"] = kRouteSummaryKind;
  o["route"] = optional_string(s.route);
  o["application_name"] = s.application_name;
  o["requests"] = integer(s.requests);
  o["statements"] = spread(s.statements);
  o["db_time_ms"] = spread(s.db_time_ms);
  json::object findings;
  for (const auto& [kind, n] : s.findings) findings[kind] = integer(n);
  o["findings"] = std::move(findings);
  o["period_start"] = rfc3339(s.period_start);
  o["period_end"] = rfc3339(s.period_end);
  o["instance"] = s.instance;
  return with_valid_utf8(std::move(o));
}

RouteSummary route_summary_from_json(const json::object& line) {
  RouteSummary s;
  s.ts = checked_time(line, "ts");
  s.route = checked_string(line, "route");
  read_into(line, "application_name", s.application_name);
  read_into(line, "requests", s.requests);
  s.statements = spread_from(line, "statements");
  s.db_time_ms = spread_from(line, "db_time_ms");
  if (const json::object* f = object_or_null(line, "findings")) {
    for (const auto& [kind, value] : *f) {
      uint64_t n = 0;
      read_into(*f, kind, n);
      if (n > 0) s.findings[std::string(kind)] = n;
    }
  }
  s.period_start = checked_time(line, "period_start");
  s.period_end = checked_time(line, "period_end");
  read_into(line, "instance", s.instance);
  return s;
}

}  // namespace pgsleuth::findings
