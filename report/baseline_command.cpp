#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "report/baseline.hpp"
#include "report/commands.hpp"
#include "report/findings_reader.hpp"
#include "report/subcommand_args.hpp"

namespace pgsleuth::report {

int run_baseline(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  SubcommandArgs parsed;
  LineFilter filter;
  try {
    parsed = parse_subcommand_args(args, {"since", "instance"}, "baseline");
    filter = line_filter(parsed, "baseline", std::chrono::system_clock::now());
  } catch (const ArgError& e) {
    fmt::print(err, "{}\n", e.what());
    return 2;
  }
  Baseline baseline;
  bool too_many = false;
  const bool read = read_findings_strict(parsed.file, [&](const findings::Line& line) {
    const auto* finding = std::get_if<findings::Finding>(&line);
    if (finding == nullptr) return true;
    baseline.insert(baseline_key(*finding));
    too_many = baseline.size() > kMaxBaselineEntries;
    return !too_many;
  }, err, filter);
  if (too_many) {
    fmt::print(err, "{}: more than {} distinct findings, too many for a baseline\n", source_name(parsed.file),
               kMaxBaselineEntries);
  }
  if (!read || too_many) return 2;
  out << boost::json::serialize(baseline_to_json(baseline)) << '\n';
  out.flush();
  return 0;
}

}  // namespace pgsleuth::report
