#pragma once
// One line of a findings file (the contract's JSON Lines), checked and
// reduced to the fields the reports use.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::report {

// A line that is not a finding or request_summary per the contract; what()
// says why (without the line number, which the reader adds).
struct BadLine : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct FindingRecord {
  std::string kind;        // a contract kind, or "request_summary"
  std::string severity;    // critical | high | medium | low; empty for request_summary
  std::string fingerprint; // 16 hex; empty where the line has none
  std::string normalized;
  std::string sample_sql;
  std::string message;
  std::string suggestion;
  uint64_t count = 0;
  std::string request_id;
  std::string request_source;
  std::optional<std::string> route;
  double db_time_ms = 0;
  std::string ts;

  bool is_request_summary() const { return kind == "request_summary"; }
};

// The finding kinds of the contract, in its order.
const std::vector<std::string_view>& finding_kinds();
bool is_finding_kind(std::string_view kind);
// critical 3, high 2, medium 1, low 0.
int severity_rank(std::string_view severity);

// Throws BadLine.
FindingRecord parse_finding_line(std::string_view line);

}  // namespace pgsleuth::report
