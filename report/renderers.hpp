#pragma once
// The report's three forms. Each writes the same ReportSummary: text for a
// person at a terminal, one self-contained HTML file, JSON for machines.

#include <ostream>
#include <string>
#include <string_view>

#include "report/report_summary.hpp"

namespace pgsleuth::report {

void write_text_report(const ReportSummary& summary, const std::string& source, std::ostream& out);
void write_json_report(const ReportSummary& summary, const std::string& source, std::ostream& out);
void write_html_report(const ReportSummary& summary, const std::string& source, std::ostream& out);

// SQL on one line (runs of whitespace become one space), cut to max_chars
// with "..." so a long statement does not flood a terminal or a table cell.
std::string one_line(std::string_view sql, size_t max_chars);

// A per-request number as a person reads it: whole numbers without a
// fraction ("12"), others with one decimal ("12.4"; "0.03" stays two).
std::string number(double value);

// "2026-12-02 02:39" (UTC): a timeline bucket's start.
std::string minute_label(findings::WallTime t);

// How the route table's numbers were made, one sentence (the text and HTML
// forms say the same).
std::string routes_note(const ReportSummary& summary);

// The timeline's buckets for a form that shows at most max_buckets.
inline constexpr size_t kTextTimelineRows = 30;
inline constexpr size_t kHtmlTimelineColumns = 120;

}  // namespace pgsleuth::report
