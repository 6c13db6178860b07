#pragma once
// Builds findings lines as the contract describes them, and runs the
// subcommands with captured output.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/config/temp_file.hpp"

// The report tests open this namespace, so the fixture's names (and the
// temporary files it writes) need no using list in each of them.
namespace pgsleuth::report::testing {

using pgsleuth::testing::TempFile;

struct FindingSpec {
  std::string kind = "n_plus_one";
  std::string severity = "high";
  std::string fingerprint = "a1b2c3d4e5f60718";
  std::string normalized = "SELECT * FROM users WHERE id = $1";
  uint64_t count = 5;
  std::string request_id = "req-1";
  std::optional<std::string> route = "users#index";
  std::string ts = "2024-05-01T12:00:00.000Z";
  std::string message{};  // empty: "The same SELECT ran <count> times in one request."
  std::string suggestion = "Load the rows in one query with IN (...) or a JOIN.";
  std::string application_name = "psql";
};

// A route_summary line as the stream writes one per route and period.
struct RouteSummarySpec {
  std::optional<std::string> route = "books#index";
  std::string application_name = "web";
  uint64_t requests = 10;
  double statements_p50 = 3, statements_p95 = 4, statements_max = 5;
  double db_p50 = 1, db_p95 = 2, db_max = 3;
  std::string period_start = "2024-05-01T12:00:00.000Z";
  std::string period_end = "2024-05-01T12:01:00.000Z";
};
std::string route_summary_line(const RouteSummarySpec& spec);

std::string finding_line(const FindingSpec& spec);
std::string summary_line(const std::string& request_id, std::optional<std::string> route, uint64_t statements,
                         double db_time_ms = 1.5);

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

using Subcommand = int (*)(const std::vector<std::string>&, std::ostream&, std::ostream&);
RunResult run(Subcommand command, const std::vector<std::string>& args);
// `command` over a findings file that holds `lines`, with `args` after its path.
RunResult run_over(Subcommand command, const std::string& lines, const std::vector<std::string>& args = {});

}  // namespace pgsleuth::report::testing
