#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "report/commands.hpp"
#include "report/findings_reader.hpp"
#include "report/renderers.hpp"
#include "report/subcommand_args.hpp"

namespace pgsleuth::report {
namespace {

// Names at most this many bad lines, then only counts them.
constexpr uint64_t kMaxProblemsShown = 20;

}  // namespace

int run_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  SubcommandArgs parsed;
  LineFilter filter;
  try {
    parsed = parse_subcommand_args(args, {"format", "output", "since", "instance"}, "report");
    filter = line_filter(parsed, "report", std::chrono::system_clock::now());
  } catch (const ArgError& e) {
    fmt::print(err, "{}\n", e.what());
    return 2;
  }
  const std::string format = parsed.flags.count("format") ? parsed.flags["format"] : "text";
  if (format != "text" && format != "html" && format != "json") {
    fmt::print(err, "pgsleuth report: --format '{}': must be text, html or json\n", format);
    return 2;
  }

  const std::string source = source_name(parsed.file);
  ReportBuilder builder;
  uint64_t problems = 0;
  try {
    read_findings(
        parsed.file,
        [&](const findings::Line& line) {
          builder.add(line);
          return true;
        },
        [&](const LineProblem& p) {
          builder.skip_line();
          if (++problems <= kMaxProblemsShown) fmt::print(err, "{}:{}: skipped: {}\n", source, p.line_number, p.reason);
          return true;
        },
        filter);
  } catch (const FileError& e) {
    fmt::print(err, "{}\n", e.what());
    return 2;
  }
  if (problems > kMaxProblemsShown) fmt::print(err, "{}: {} bad lines skipped in all\n", source, problems);

  std::ofstream file;
  if (parsed.flags.count("output")) {
    file.open(parsed.flags["output"], std::ios::binary | std::ios::trunc);
    if (!file) {
      fmt::print(err, "pgsleuth report: --output '{}': cannot write: {}\n", parsed.flags["output"], std::strerror(errno));
      return 2;
    }
  }
  std::ostream& target = file.is_open() ? file : out;
  const ReportSummary summary = builder.build();
  if (format == "html") {
    write_html_report(summary, source, target);
  } else if (format == "json") {
    write_json_report(summary, source, target);
  } else {
    write_text_report(summary, source, target);
  }
  target.flush();
  if (!target) {
    fmt::print(err, "pgsleuth report: writing the report failed\n");
    return 2;
  }
  return 0;
}

}  // namespace pgsleuth::report
