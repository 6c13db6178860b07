#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

#include "findings/rfc3339.hpp"
#include "report/renderers.hpp"

namespace pgsleuth::report {

std::string one_line(std::string_view sql, size_t max_chars) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    const bool is_space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  }
  if (out.size() > max_chars) out = out.substr(0, max_chars > 3 ? max_chars - 3 : 0) + "...";
  return out;
}

std::string number(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9) return fmt::format("{}", static_cast<int64_t>(std::round(value)));
  if (std::fabs(value) < 0.1) return fmt::format("{:.2f}", value);
  return fmt::format("{:.1f}", value);
}

std::string minute_label(findings::WallTime t) {
  std::string s = findings::rfc3339(t).substr(0, 16);  // 2026-12-02T02:39
  if (s.size() > 10) s[10] = ' ';
  return s;
}

std::string routes_note(const ReportSummary& s) {
  if (s.routes_from_summaries) {
    return "From route_summary lines (one per route and application_name per minute); across minutes p50 and p95 "
           "are the minutes' values averaged by their requests, max is exact.";
  }
  return s.from_request_summaries ? "From request_summary lines: exact."
                                  : "Only windows over the query budget: the file has no route_summary lines.";
}

namespace {

std::string join(const std::vector<std::string>& items) {
  return fmt::format("{}", fmt::join(items, ", "));
}

const char* plural(uint64_t n) { return n == 1 ? "" : "s"; }

void write_groups(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "\nFindings by (kind, fingerprint), worst first\n");
  if (s.groups.empty()) fmt::print(out, "  none\n");
  size_t n = 0;
  for (const FindingGroup& g : s.groups) {
    fmt::print(out, "\n{:>3}. [{}] {}  fingerprint {}  {} finding{}, {} execution{}\n", ++n, to_string(g.severity), g.kind,
               g.fingerprint.empty() ? "-" : g.fingerprint, g.findings, plural(g.findings), g.executions,
               plural(g.executions));
    fmt::print(out, "     routes: {}\n", join(g.routes));
    if (!g.normalized.empty()) fmt::print(out, "     sql:    {}\n", one_line(g.normalized, 300));
    if (!g.message.empty()) fmt::print(out, "     why:    {}\n", one_line(g.message, 300));
    if (!g.suggestion.empty()) fmt::print(out, "     fix:    {}\n", one_line(g.suggestion, 300));
  }
}

void write_routes(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "\nStatements and db time per request, by route\n");
  if (s.routes.empty()) {
    fmt::print(out, "  none (no route_summary, request_summary or query_budget_exceeded lines)\n");
    return;
  }
  fmt::print(out, "  {}\n", routes_note(s));
  fmt::print(out, "  {:<30}  {:>8}  {:>26}  {:>26}\n", "", "", "statements per request", "db ms per request");
  fmt::print(out, "  {:<30}  {:>8}  {:>8}{:>9}{:>9}  {:>8}{:>9}{:>9}\n", "route", "requests", "p50", "p95", "max", "p50",
             "p95", "max");
  for (const RouteStat& r : s.routes) {
    fmt::print(out, "  {:<30}  {:>8}  {:>8}{:>9}{:>9}  {:>8}{:>9}{:>9}\n", one_line(r.route, 30), r.requests,
               number(r.statements.p50), number(r.statements.p95), number(r.statements.max), number(r.db_time_ms.p50),
               number(r.db_time_ms.p95), number(r.db_time_ms.max));
  }
}

void write_requests(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "\nRequests with the most statements{}\n",
             s.from_request_summaries ? "" : " (only windows over the query budget: no request_summary lines)");
  if (s.top_requests.empty()) {
    fmt::print(out, "  none (set output.request_summaries = true to record every request)\n");
    return;
  }
  fmt::print(out, "  {:>10}  {:>10}  {:<30}  {}\n", "statements", "db ms", "route", "request");
  for (const RequestStat& r : s.top_requests) {
    fmt::print(out, "  {:>10}  {:>10.1f}  {:<30}  {} ({})\n", r.statements, r.db_time_ms,
               one_line(route_label(r.route, r.application_name), 30), one_line(r.request_id, 60), r.request_source);
  }
}

void write_timeline(const ReportSummary& s, std::ostream& out) {
  const Timeline t = s.timeline.buckets(kTextTimelineRows);
  fmt::print(out, "\nFindings per {} over the run (UTC)\n",
             t.width.count() == 1 ? std::string("minute") : fmt::format("{} minutes", t.width.count()));
  if (t.buckets.empty()) {
    fmt::print(out, "  none (no line with a time)\n");
    return;
  }
  uint64_t peak = 1;
  for (const TimelineBucket& b : t.buckets) peak = std::max(peak, b.total);
  constexpr uint64_t kBarChars = 30;
  for (const TimelineBucket& b : t.buckets) {
    std::vector<std::string> kinds;
    for (const auto& [kind, n] : b.by_kind) kinds.push_back(fmt::format("{} {}", kind, n));
    const auto chars = static_cast<size_t>((b.total * kBarChars + peak - 1) / peak);
    std::string row = fmt::format("  {}  {:>6}  {:<{}}  {}", minute_label(b.start), b.total, std::string(chars, '#'),
                                  kBarChars, join(kinds));
    row.erase(row.find_last_not_of(' ') + 1);  // a quiet minute ends at its count
    fmt::print(out, "{}\n", row);
  }
}

}  // namespace

void write_text_report(const ReportSummary& s, const std::string& source, std::ostream& out) {
  fmt::print(out, "pgsleuth report: {}\n", source);
  std::vector<std::string> kinds;
  for (const auto& [kind, count] : s.findings_by_kind) kinds.push_back(fmt::format("{} {}", kind, count));
  fmt::print(out, "{} finding{}{}{}, {} request summar{}", s.findings, plural(s.findings), kinds.empty() ? "" : ": ",
             join(kinds), s.request_summaries, s.request_summaries == 1 ? "y" : "ies");
  if (s.lines_skipped > 0) fmt::print(out, ", {} bad lines skipped", s.lines_skipped);
  if (s.untracked > 0) fmt::print(out, ", {} beyond the report's limits counted but not listed", s.untracked);
  fmt::print(out, "\n");
  write_groups(s, out);
  write_routes(s, out);
  write_timeline(s, out);
  write_requests(s, out);
}

}  // namespace pgsleuth::report
