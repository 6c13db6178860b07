// One self-contained page: inline CSS and inline SVG, no scripts and no
// network fetches, every piece of text from the file escaped.

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "report/renderers.hpp"

namespace pgsleuth::report {
namespace {

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Bar {
  std::string label;
  uint64_t value;
};

// A horizontal bar chart as inline SVG.
void write_bar_chart(std::ostream& out, const std::string& title, const std::vector<Bar>& bars) {
  constexpr int kLabelWidth = 260, kBarWidth = 560, kRow = 22;
  uint64_t max = 1;
  for (const Bar& b : bars) max = std::max(max, b.value);
  const int height = static_cast<int>(bars.size()) * kRow + 10;
  fmt::print(out, "<figure><figcaption>{}</figcaption>\n", esc(title));
  fmt::print(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" aria-label=\"{}\">\n",
             kLabelWidth + kBarWidth + 80, height, esc(title));
  int y = 5;
  for (const Bar& b : bars) {
    const int w = static_cast<int>(static_cast<double>(b.value) / static_cast<double>(max) * kBarWidth);
    fmt::print(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{}</text>", kLabelWidth - 6, y + 15,
               esc(one_line(b.label, 40)));
    fmt::print(out, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"bar\"/>", kLabelWidth, y + 2,
               std::max(w, 1), kRow - 6);
    fmt::print(out, "<text x=\"{}\" y=\"{}\" class=\"val\">{}</text>\n", kLabelWidth + std::max(w, 1) + 6, y + 15,
               b.value);
    y += kRow;
  }
  fmt::print(out, "</svg></figure>\n");
}

void write_groups(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "<h2>Findings by kind and fingerprint, worst first</h2>\n");
  if (s.groups.empty()) {
    fmt::print(out, "<p>No findings.</p>\n");
    return;
  }
  fmt::print(out, "<table><thead><tr><th>severity</th><th>kind</th><th>findings</th><th>executions</th>"
                  "<th>statement and fix</th></tr></thead><tbody>\n");
  for (const FindingGroup& g : s.groups) {
    fmt::print(out, "<tr><td class=\"sev {0}\">{0}</td><td>{1}<div class=\"fp\">{2}</div></td><td>{3}</td><td>{4}</td>",
               esc(to_string(g.severity)), esc(g.kind), esc(g.fingerprint), g.findings, g.executions);
    fmt::print(out, "<td><code>{}</code><p>{}</p><p class=\"fix\">Fix: {}</p><p class=\"routes\">Routes: {}</p></td></tr>\n",
               esc(one_line(g.normalized, 2000)), esc(g.message), esc(g.suggestion),
               esc(fmt::format("{}", fmt::join(g.routes, ", "))));
  }
  fmt::print(out, "</tbody></table>\n");
}

void write_requests(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "<h2>Requests with the most statements</h2>\n");
  if (s.top_requests.empty()) {
    fmt::print(out, "<p>No request data (set output.request_summaries = true to record every request).</p>\n");
    return;
  }
  if (!s.from_request_summaries) {
    fmt::print(out, "<p>Only windows over the query budget: the file has no request_summary lines.</p>\n");
  }
  std::vector<Bar> bars;
  for (const RequestStat& r : s.top_requests) {
    bars.push_back({fmt::format("{} {}", r.route.value_or(kNoRoute), r.request_id), r.statements});
  }
  write_bar_chart(out, "Statements per request", bars);
  fmt::print(out, "<table><thead><tr><th>statements</th><th>db ms</th><th>route</th><th>request</th><th>source</th>"
                  "</tr></thead><tbody>\n");
  for (const RequestStat& r : s.top_requests) {
    fmt::print(out, "<tr><td>{}</td><td>{:.1f}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", r.statements,
               r.db_time_ms, esc(r.route.value_or(kNoRoute)), esc(r.request_id), esc(r.request_source));
  }
  fmt::print(out, "</tbody></table>\n");
}

void write_routes(const ReportSummary& s, std::ostream& out) {
  fmt::print(out, "<h2>Statements per route</h2>\n");
  if (s.routes.empty()) {
    fmt::print(out, "<p>No routes.</p>\n");
    return;
  }
  std::vector<Bar> bars;
  for (size_t i = 0; i < s.routes.size() && i < ReportBuilder::kTopRequests; ++i) {
    bars.push_back({s.routes[i].route, s.routes[i].statements});
  }
  write_bar_chart(out, "Statements per route", bars);
  fmt::print(out, "<table><thead><tr><th>route</th><th>requests</th><th>statements</th><th>max</th></tr></thead>"
                  "<tbody>\n");
  for (const RouteStat& r : s.routes) {
    fmt::print(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", esc(r.route), r.requests,
               r.statements, r.max_statements);
  }
  fmt::print(out, "</tbody></table>\n");
}

constexpr const char* kStyle = R"(body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
.fp{font-family:ui-monospace,monospace;color:#666;font-size:12px}.fix{color:#05620c}.routes{color:#555;font-size:12px}
.sev.critical{background:#b00020;color:#fff}.sev.high{background:#e65100;color:#fff}.sev.medium{background:#ffd54f}
.sev.low{background:#e0e0e0}.bar{fill:#3f6fb5}.lbl,.val{font-size:12px;fill:#222}figcaption{font-weight:600})";

}  // namespace

void write_html_report(const ReportSummary& s, const std::string& source, std::ostream& out) {
  fmt::print(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
  fmt::print(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
  fmt::print(out, "<title>pgsleuth report: {}</title><style>{}</style></head><body>\n", esc(source), kStyle);
  fmt::print(out, "<h1>pgsleuth report: {}</h1>\n", esc(source));
  std::vector<std::string> kinds;
  for (const auto& [kind, count] : s.findings_by_kind) kinds.push_back(fmt::format("{} {}", kind, count));
  fmt::print(out, "<p id=\"totals\">{} findings{}{}, {} request summaries, {} bad lines skipped.</p>\n", s.findings,
             kinds.empty() ? "" : ": ", esc(fmt::format("{}", fmt::join(kinds, ", "))), s.request_summaries,
             s.lines_skipped);
  write_groups(s, out);
  write_requests(s, out);
  write_routes(s, out);
  fmt::print(out, "</body></html>\n");
}

}  // namespace pgsleuth::report
