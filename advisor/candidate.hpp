#pragma once
// What the analysis thread hands the advisor: one costly fingerprint with a
// few real executions of it. Plain values; the advisor's only input.

#include <optional>
#include <string>
#include <vector>

#include "events/statement_event.hpp"
#include "findings/finding.hpp"

namespace pgsleuth::advisor {

struct CandidateSample {
  std::string sql;                      // the statement as sent, whole
  std::optional<findings::Params> params;  // extended protocol: values as PostgreSQL prints them
  std::vector<uint32_t> param_types;    // the client's type OIDs, 0 unknown
  events::ConnectionInfoPtr conn;       // its database is the one to explain in
  findings::Window window;              // the request it ran in
  double duration_ms = 0;               // its slowest execution
};

struct Candidate {
  std::string fingerprint;              // 16 hex
  std::string normalized;
  std::vector<std::string> tables;
  uint64_t count = 0;                   // executions seen so far
  double total_ms = 0;                  // their server time
  std::vector<CandidateSample> samples; // slowest first, at most kMaxSamples
  static constexpr size_t kMaxSamples = 3;
};

}  // namespace pgsleuth::advisor
