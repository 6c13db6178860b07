#pragma once
// A fleet store (pgsleuth_findings in a PostgreSQL database) read as a
// findings file: each row's `finding` column is the line as JSON Lines had
// it, parsed by findings::parse_line, in the order the lines were written.
// Rows stream in one at a time (libpq's single-row mode): bounded memory.

#include <functional>
#include <string>

#include "report/findings_reader.hpp"
#include "report/line_filter.hpp"

namespace pgsleuth::report {

// As read_findings; the filter also narrows the query. Throws FileError
// (one line naming the redacted URL) when the store cannot be read.
void read_store(const std::string& url, const LineFilter& filter,
                const std::function<bool(const findings::Line&)>& on_line,
                const std::function<bool(const LineProblem&)>& on_problem);

}  // namespace pgsleuth::report
