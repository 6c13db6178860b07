#include "tests/report/findings_fixture.hpp"

#include <boost/json.hpp>

#include <sstream>

#include "tests/config/temp_file.hpp"

namespace pgsleuth::report::testing {

namespace json = boost::json;

std::string finding_line(const FindingSpec& spec) {
  json::object o{{"ts", spec.ts},
                 {"kind", spec.kind},
                 {"severity", spec.severity},
                 {"fingerprint", spec.fingerprint},
                 {"normalized", spec.normalized},
                 {"sample_sql", "SELECT * FROM users WHERE id = 7"},
                 {"sample_params", nullptr},
                 {"count", spec.count},
                 {"request_id", spec.request_id},
                 {"request_source", "traceparent"},
                 {"route", spec.route ? json::value(*spec.route) : json::value(nullptr)},
                 {"connection_id", 3},
                 {"database", "app"},
                 {"user", "app"},
                 {"application_name", spec.application_name},
                 {"client_addr", "127.0.0.1"},
                 {"tables", json::array{"users"}},
                 {"message", spec.message.empty()
                                 ? "The same SELECT ran " + std::to_string(spec.count) + " times in one request."
                                 : spec.message},
                 {"suggestion", spec.suggestion}};
  if (spec.kind == "n_plus_one") o["distinct_params"] = spec.count;
  return json::serialize(o) + "\n";
}

std::string summary_line(const std::string& request_id, std::optional<std::string> route, uint64_t statements,
                         double db_time_ms) {
  json::object o{{"ts", "2024-05-01T12:00:00.000Z"},
                 {"kind", "request_summary"},
                 {"request_id", request_id},
                 {"request_source", "idle_gap"},
                 {"route", route ? json::value(*route) : json::value(nullptr)},
                 {"count", statements},
                 {"db_time_ms", db_time_ms},
                 {"rows", 10},
                 {"distinct_fingerprints", 2}};
  return json::serialize(o) + "\n";
}

std::string route_summary_line(const RouteSummarySpec& spec) {
  json::object o{{"ts", spec.period_end},
                 {"kind", "route_summary"},
                 {"route", spec.route ? json::value(*spec.route) : json::value(nullptr)},
                 {"application_name", spec.application_name},
                 {"requests", spec.requests},
                 {"statements", {{"p50", spec.statements_p50}, {"p95", spec.statements_p95}, {"max", spec.statements_max}}},
                 {"db_time_ms", {{"p50", spec.db_p50}, {"p95", spec.db_p95}, {"max", spec.db_max}}},
                 {"findings", json::object{}},
                 {"period_start", spec.period_start},
                 {"period_end", spec.period_end}};
  return json::serialize(o) + "\n";
}

RunResult run(Subcommand command, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = command(args, out, err);
  return {code, out.str(), err.str()};
}

RunResult run_over(Subcommand command, const std::string& lines, const std::vector<std::string>& args) {
  TempFile file(lines, ".jsonl");
  std::vector<std::string> all{file.path()};
  all.insert(all.end(), args.begin(), args.end());
  return run(command, all);
}

}  // namespace pgsleuth::report::testing
