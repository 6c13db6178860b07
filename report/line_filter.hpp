#pragma once
// --since DURATION and --instance NAME of report, check and baseline: which
// lines of a findings file or a fleet store count. The same filter serves
// both sources (a store also gets it as SQL, to read less).

#include <chrono>
#include <optional>
#include <string>

#include "findings/parse_line.hpp"
#include "report/subcommand_args.hpp"

namespace pgsleuth::report {

struct LineFilter {
  std::optional<findings::WallTime> since;  // lines with ts at or after it
  std::optional<std::string> instance;      // lines of this instance only
  bool matches(const findings::Line& line) const;
};


// From the parsed flags; throws ArgError naming the flag. `now` anchors --since.
LineFilter line_filter(const SubcommandArgs& args, std::string_view command, findings::WallTime now);

// "30s", "15m", "2h", "7d" (a positive integer and a unit); nullopt otherwise.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace pgsleuth::report
