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

}  // namespace pgsleuth::report
