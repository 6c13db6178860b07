// One self-contained page: inline CSS and inline SVG, no scripts and no
// network fetches, every piece of text from the file escaped.

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <string_view>

#include "report/html_text.hpp"
#include "report/renderers.hpp"
#include "report/svg_charts.hpp"

namespace pgsleuth::report {
namespace {

// Routes drawn; the table below the charts lists them all.
constexpr size_t kChartRoutes = 20;

bool has_data(const ReportSummary& s) {
  return s.findings > 0 || !s.routes.empty() || !s.top_requests.empty() || s.request_summaries > 0 ||
         s.timeline.has_run();
}

// A section is its heading, then its content or, when it has none, the one
// sentence that says why. Whether the content follows.
bool open_section(std::ostream& out, std::string_view heading, bool has_content, std::string_view why_empty) {
  fmt::print(out, "<h2>{}</h2>\n", heading);
  if (!has_content) fmt::print(out, "<p class=\"empty\">{}</p>\n", why_empty);
  return has_content;
}

void write_timeline(const ReportSummary& s, std::ostream& out) {
  const Timeline t = s.timeline.buckets(kHtmlTimelineColumns);
  if (!open_section(out, "Findings over the run", !t.buckets.empty(),
                    "No line in this file has a time: nothing to draw.")) {
    return;
  }
  std::vector<std::string> kinds;
  for (const auto& [kind, count] : s.findings_by_kind) kinds.push_back(kind);
  write_timeline_chart(out, "chart-timeline", t, kinds);
}

void write_routes(const ReportSummary& s, std::ostream& out) {
  if (!open_section(out, "Statements and db time per request, by route", !s.routes.empty(),
                    "No route data: the file has no route_summary, request_summary or query_budget_exceeded lines.")) {
    return;
  }
  fmt::print(out, "<p class=\"note\">{}</p>\n", esc(routes_note(s)));
  const std::vector<RouteStat> drawn(s.routes.begin(),
                                     s.routes.begin() + static_cast<std::ptrdiff_t>(std::min(kChartRoutes, s.routes.size())));
  const std::string more =
      s.routes.size() > drawn.size() ? fmt::format(" (the {} with the most; all in the table)", drawn.size()) : "";
  write_route_chart(out, "chart-route-statements", "Statements per request" + more, drawn, RouteMeasure::Statements);
  write_route_chart(out, "chart-route-db-time", "Database time per request" + more, drawn, RouteMeasure::DbTime);
  fmt::print(out, "<table id=\"routes\"><thead><tr><th rowspan=\"2\">route</th><th rowspan=\"2\">requests</th>"
                  "<th colspan=\"3\">statements per request</th><th colspan=\"3\">db ms per request</th></tr>"
                  "<tr><th>p50</th><th>p95</th><th>max</th><th>p50</th><th>p95</th><th>max</th></tr></thead><tbody>\n");
  for (const RouteStat& r : s.routes) {
    fmt::print(out, "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                    "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
               esc(r.route), r.requests, number(r.statements.p50), number(r.statements.p95), number(r.statements.max),
               number(r.db_time_ms.p50), number(r.db_time_ms.p95), number(r.db_time_ms.max));
  }
  fmt::print(out, "</tbody></table>\n");
}

void write_groups(const ReportSummary& s, std::ostream& out) {
  if (!open_section(out, "Findings by kind and fingerprint, worst first", !s.groups.empty(), "No findings.")) return;
  fmt::print(out, "<table id=\"findings\"><thead><tr><th>severity</th><th>kind</th><th>findings</th><th>executions</th>"
                  "<th>statement and fix</th></tr></thead><tbody>\n");
  for (const FindingGroup& g : s.groups) {
    fmt::print(out, "<tr><td><span class=\"sev {0}\">{0}</span></td><td>{1}<div class=\"fp\">{2}</div></td><td class=\"n\">{3}</td>"
                    "<td class=\"n\">{4}</td>",
               esc(to_string(g.severity)), esc(g.kind), esc(g.fingerprint), g.findings, g.executions);
    // connection_churn, and a window that tracked no statement, have no SQL.
    const std::string sql =
        g.normalized.empty() ? std::string() : "<code class=\"sql\">" + esc(one_line(g.normalized, 2000)) + "</code>";
    fmt::print(out, "<td>{}<p>{}</p><p class=\"fix\">Fix: {}</p><p class=\"routes\">Routes: {}</p></td></tr>\n", sql,
               esc_with_code(g.message), esc_with_code(g.suggestion), esc(fmt::format("{}", fmt::join(g.routes, ", "))));
  }
  fmt::print(out, "</tbody></table>\n");
}

void write_requests(const ReportSummary& s, std::ostream& out) {
  if (!open_section(out, "Requests with the most statements", !s.top_requests.empty(),
                    "No single requests in this file (none over the query budget; set "
                    "output.request_summaries = true to record every request).")) {
    return;
  }
  if (!s.from_request_summaries) {
    fmt::print(out, "<p class=\"note\">Only windows over the query budget: the file has no request_summary lines.</p>\n");
  }
  std::vector<Bar> bars;
  for (const RequestStat& r : s.top_requests) {
    bars.push_back({fmt::format("{} {}", route_label(r.route, r.application_name), r.request_id), r.statements});
  }
  write_bar_chart(out, "chart-requests", "Statements per request", bars);
  fmt::print(out, "<table id=\"requests\"><thead><tr><th>statements</th><th>db ms</th><th>route</th><th>request</th>"
                  "<th>source</th></tr></thead><tbody>\n");
  for (const RequestStat& r : s.top_requests) {
    fmt::print(out, "<tr><td class=\"n\">{}</td><td class=\"n\">{:.1f}</td><td>{}</td><td class=\"id\">{}</td><td>{}</td>"
                    "</tr>\n",
               r.statements, r.db_time_ms, esc(route_label(r.route, r.application_name)), esc(r.request_id),
               esc(r.request_source));
  }
  fmt::print(out, "</tbody></table>\n");
}

// SQL wraps at spaces; only a token too long for its cell (a long literal
// or identifier) breaks inside, where it must.
constexpr const char* kStyle = R"(body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,monospace;font-size:13px;background:#f6f6f6;padding:0 2px;white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere}
code.sql{display:block;padding:2px 4px}td.id{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
.fp{font-family:ui-monospace,monospace;color:#666;font-size:12px}.fix{color:#05620c}.routes{color:#555;font-size:12px}
.sev{display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;font-weight:600}
.sev.critical{background:#b00020;color:#fff}.sev.high{background:#e65100;color:#fff}.sev.medium{background:#ffd54f}
.sev.low{background:#e0e0e0}.bar{fill:#3f6fb5}.p95{fill:#9fbbe3}.p50{fill:#2f5e9e}.max{stroke:#b00020;stroke-width:2}
.axis{stroke:#888}.grid{stroke:#ddd;stroke-dasharray:4 3}.lbl,.val{font-size:12px;fill:#222}.empty{color:#666;fill:#666;font-style:italic}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:4px}svg.chart{max-width:100%;height:auto;display:block}
.note{color:#555;font-size:13px}.legend{list-style:none;padding:0;margin:4px 0 0 56px;font-size:12px}
.legend li{display:inline-block;margin-right:14px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px})";

}  // namespace

void write_html_report(const ReportSummary& s, const std::string& source, std::ostream& out) {
  fmt::print(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
  fmt::print(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
  fmt::print(out, "<title>pgsleuth report: {}</title><style>{}</style></head><body>\n", esc(source), kStyle);
  fmt::print(out, "<h1>pgsleuth report: {}</h1>\n", esc(source));
  std::vector<std::string> kinds;
  for (const auto& [kind, count] : s.findings_by_kind) kinds.push_back(fmt::format("{} {}", kind, count));
  fmt::print(out, "<p id=\"totals\">{} finding{}{}{}, {} request summar{}, {} bad line{} skipped.</p>\n", s.findings,
             s.findings == 1 ? "" : "s", kinds.empty() ? "" : ": ", esc(fmt::format("{}", fmt::join(kinds, ", "))),
             s.request_summaries, s.request_summaries == 1 ? "y" : "ies", s.lines_skipped,
             s.lines_skipped == 1 ? "" : "s");
  if (!has_data(s)) {
    fmt::print(out, "<p class=\"empty\" id=\"no-data\">This file has no findings and no summaries: nothing to draw. "
                    "pgsleuth writes route_summary lines once a minute and at shutdown, so a file from a run that "
                    "saw requests is never empty.</p>\n</body></html>\n");
    return;
  }
  write_timeline(s, out);
  write_routes(s, out);
  write_groups(s, out);
  write_requests(s, out);
  fmt::print(out, "</body></html>\n");
}

}  // namespace pgsleuth::report
