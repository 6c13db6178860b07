#pragma once
// Reads a findings file line by line, so a file of any size is read in
// bounded memory. Blank lines are ignored; each other line is parsed by
// findings::parse_line.

#include <cstddef>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "findings/parse_line.hpp"
#include "report/line_filter.hpp"

namespace pgsleuth::report {

// The file cannot be opened or read; what() is one line naming it.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr size_t kMaxLineBytes = 4 * 1024 * 1024;

struct LineProblem {
  size_t line_number;  // from 1
  std::string reason;
};

// Calls on_line for each good line that `filter` matches and on_problem for
// each bad one (a line longer than kMaxLineBytes is a problem too); either
// callback may return false to stop early. Throws FileError. Path "-" reads
// standard input; a postgresql:// URL reads a fleet store (store_reader.hpp),
// whose line numbers count its rows.
void read_findings(const std::string& path, const std::function<bool(const findings::Line&)>& on_line,
                   const std::function<bool(const LineProblem&)>& on_problem, const LineFilter& filter = {});

// For gates (check, baseline): stops at the first bad line. Prints the
// problem (file:line: reason, or the file error) on `err` and returns false.
bool read_findings_strict(const std::string& path, const std::function<bool(const findings::Line&)>& on_line,
                          std::ostream& err, const LineFilter& filter = {});

// How a report or an error line names `path`: a URL without its password.
std::string source_name(const std::string& path);

}  // namespace pgsleuth::report
