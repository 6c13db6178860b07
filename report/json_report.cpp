#include <boost/json.hpp>

#include "common/json_text.hpp"
#include "findings/rfc3339.hpp"
#include "report/renderers.hpp"

namespace pgsleuth::report {
namespace {

namespace json = boost::json;

json::value route_value(const std::optional<std::string>& route) {
  return route ? json::value(*route) : json::value(nullptr);
}

json::object spread(const findings::Spread& s) { return {{"p50", s.p50}, {"p95", s.p95}, {"max", s.max}}; }

// Every minute of the run with a finding (minutes without one are left out).
json::array timeline(const Timeline& t) {
  json::array out;
  for (const TimelineBucket& b : t.buckets) {
    if (b.total == 0) continue;
    json::object by_kind;
    for (const auto& [kind, n] : b.by_kind) by_kind[kind] = n;
    out.emplace_back(json::object{{"minute", findings::rfc3339(b.start)}, {"findings", b.total}, {"by_kind", std::move(by_kind)}});
  }
  return out;
}

}  // namespace

void write_json_report(const ReportSummary& s, const std::string& source, std::ostream& out) {
  json::object root;
  root["source"] = source;
  root["findings"] = s.findings;
  root["request_summaries"] = s.request_summaries;
  root["lines_skipped"] = s.lines_skipped;
  root["untracked"] = s.untracked;
  json::object by_kind;
  for (const auto& [kind, count] : s.findings_by_kind) by_kind[kind] = count;
  root["findings_by_kind"] = std::move(by_kind);

  json::array groups;
  for (const FindingGroup& g : s.groups) {
    json::array routes;
    for (const std::string& r : g.routes) routes.emplace_back(r);
    groups.emplace_back(json::object{{"kind", g.kind},
                                     {"fingerprint", g.fingerprint},
                                     {"severity", to_string(g.severity)},
                                     {"findings", g.findings},
                                     {"executions", g.executions},
                                     {"normalized", g.normalized},
                                     {"sample_sql", g.sample_sql},
                                     {"message", g.message},
                                     {"suggestion", g.suggestion},
                                     {"routes", std::move(routes)}});
  }
  root["groups"] = std::move(groups);

  json::array requests;
  for (const RequestStat& r : s.top_requests) {
    requests.emplace_back(json::object{{"request_id", r.request_id},
                                       {"request_source", r.request_source},
                                       {"route", route_value(r.route)},
                                       {"application_name", r.application_name},
                                       {"statements", r.statements},
                                       {"db_time_ms", r.db_time_ms}});
  }
  root["top_requests"] = std::move(requests);
  root["requests_from_summaries"] = s.from_request_summaries;

  json::array routes;
  for (const RouteStat& r : s.routes) {
    routes.emplace_back(json::object{{"route", r.route},
                                     {"requests", r.requests},
                                     {"statements", spread(r.statements)},
                                     {"db_time_ms", spread(r.db_time_ms)},
                                     {"periods", r.periods}});
  }
  root["routes"] = std::move(routes);
  root["routes_from_summaries"] = s.routes_from_summaries;
  const Timeline minutes = s.timeline.buckets(FindingsTimeline::kMaxMinutes);
  root["findings_per_minute"] = timeline(minutes);
  // 1 unless the run spans more minutes than the report keeps buckets.
  root["findings_bucket_minutes"] = minutes.width.count();
  out << common::json_text(root) << '\n';
}

}  // namespace pgsleuth::report
