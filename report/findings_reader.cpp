#include "report/findings_reader.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "report/store_reader.hpp"
#include "sinks/store_url.hpp"

namespace pgsleuth::report {
namespace {

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// Reads one line of at most kMaxLineBytes; a longer one is consumed to its
// end and reported as too long.
bool next_line(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  char c;
  bool any = false;
  while (in.get(c)) {
    any = true;
    if (c == '\n') return true;
    if (line.size() < kMaxLineBytes) {
      line.push_back(c);
    } else {
      too_long = true;
    }
  }
  return any;
}

}  // namespace

std::string source_name(const std::string& path) {
  return sinks::is_store_url(path) ? sinks::redacted_url(path) : path;
}

void read_findings(const std::string& path, const std::function<bool(const findings::Line&)>& all_lines,
                   const std::function<bool(const LineProblem&)>& on_problem, const LineFilter& filter) {
  const auto on_line = [&](const findings::Line& line) { return !filter.matches(line) || all_lines(line); };
  if (sinks::is_store_url(path)) {
    read_store(path, filter, on_line, on_problem);
    return;
  }
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw FileError(fmt::format("{}: cannot read findings file: {}", path, std::strerror(errno)));
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string line;
  bool too_long = false;
  for (size_t number = 1; next_line(in, line, too_long); ++number) {
    if (too_long) {
      if (!on_problem({number, fmt::format("line longer than {} bytes", kMaxLineBytes)})) return;
      continue;
    }
    if (is_blank(line)) continue;
    try {
      if (!on_line(findings::parse_line(line))) return;
    } catch (const findings::BadLine& e) {
      if (!on_problem({number, e.what()})) return;
    }
  }
  if (in.bad()) throw FileError(fmt::format("{}: read error: {}", path, std::strerror(errno)));
}

bool read_findings_strict(const std::string& path, const std::function<bool(const findings::Line&)>& on_line,
                          std::ostream& err, const LineFilter& filter) {
  bool ok = true;
  try {
    read_findings(path, on_line, [&](const LineProblem& p) {
      fmt::print(err, "{}:{}: {}\n", source_name(path), p.line_number, p.reason);
      ok = false;
      return false;
    }, filter);
  } catch (const FileError& e) {
    fmt::print(err, "{}\n", e.what());
    return false;
  }
  return ok;
}

}  // namespace pgsleuth::report
