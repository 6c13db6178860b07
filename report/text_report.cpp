#include <fmt/format.h>
#include <fmt/ostream.h>

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

namespace {

std::string join(const std::vector<std::string>& items) {
  return fmt::format("{}", fmt::join(items, ", "));
}

void write_groups(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "\nFindings by (kind, fingerprint), worst first\n");
  if (s.groups.empty()) fmt::print(out, "  none\n");
  size_t n = 0;
  for (const FindingGroup& g : s.groups) {
    fmt::print(out, "\n{:>3}. [{}] {}  fingerprint {}  {} finding{}, {} execution{}\n", ++n, to_string(g.severity), g.kind,
               g.fingerprint.empty() ? "-" : g.fingerprint, g.findings, g.findings == 1 ? "" : "s", g.executions,
               g.executions == 1 ? "" : "s");
    fmt::print(out, "     routes: {}\n", join(g.routes));
    if (!g.normalized.empty()) fmt::print(out, "     sql:    {}\n", one_line(g.normalized, 300));
    if (!g.message.empty()) fmt::print(out, "     why:    {}\n", one_line(g.message, 300));
    if (!g.suggestion.empty()) fmt::print(out, "     fix:    {}\n", one_line(g.suggestion, 300));
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
               one_line(r.route.value_or(kNoRoute), 30), one_line(r.request_id, 60), r.request_source);
  }
}

void write_routes(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "\nStatements per route\n");
  if (s.routes.empty()) {
    fmt::print(out, "  none\n");
    return;
  }
  fmt::print(out, "  {:<30}  {:>8}  {:>10}  {:>8}  {:>8}\n", "route", "requests", "statements", "average", "max");
  for (const RouteStat& r : s.routes) {
    fmt::print(out, "  {:<30}  {:>8}  {:>10}  {:>8.1f}  {:>8}\n", one_line(r.route, 30), r.requests, r.statements,
               r.requests == 0 ? 0.0 : static_cast<double>(r.statements) / static_cast<double>(r.requests),
               r.max_statements);
  }
}

}  // namespace

void write_text_report(const ReportSummary& s, const std::string& source, std::ostream& out) {
  fmt::print(out, "pgsleuth report: {}\n", source);
  std::vector<std::string> kinds;
  for (const auto& [kind, count] : s.findings_by_kind) kinds.push_back(fmt::format("{} {}", kind, count));
  fmt::print(out, "{} findings{}{}, {} request summaries", s.findings, kinds.empty() ? "" : ": ", join(kinds),
             s.request_summaries);
  if (s.lines_skipped > 0) fmt::print(out, ", {} bad lines skipped", s.lines_skipped);
  if (s.untracked > 0) fmt::print(out, ", {} beyond the report's limits counted but not listed", s.untracked);
  fmt::print(out, "\n");
  write_groups(s, out);
  write_requests(s, out);
  write_routes(s, out);
}

}  // namespace pgsleuth::report
