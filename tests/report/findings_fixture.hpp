#pragma once
// Builds findings lines as the contract describes them, and runs the
// subcommands with captured output.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgsleuth::testing {

struct FindingSpec {
  std::string kind = "n_plus_one";
  std::string severity = "high";
  std::string fingerprint = "a1b2c3d4e5f60718";
  std::string normalized = "SELECT * FROM users WHERE id = $1";
  uint64_t count = 5;
  std::string request_id = "req-1";
  std::optional<std::string> route = "users#index";
};

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

}  // namespace pgsleuth::testing
