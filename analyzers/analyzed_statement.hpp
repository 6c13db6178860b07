#pragma once
// A statement event joined with what the fingerprint module knows of it:
// the analyzers' only input. Built on the analysis thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/statement_event.hpp"
#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::analyzers {

using events::SteadyTime;
using events::WallTime;

struct AnalyzedStatement {
  events::ConnectionInfoPtr conn;
  std::shared_ptr<const fingerprint::StatementShape> shape;
  std::string sql;  // this statement's text as sent

  // Extended protocol: the bound values as strings (binary as \x hex), a
  // null value as nullopt. Simple protocol: nullopt (sample_params: null).
  std::optional<std::vector<std::optional<std::string>>> sample_params;
  // The parameter set that tells repeats apart: bound values (extended) or
  // literal constants (simple), and their value hashes (events::value_hash).
  std::vector<std::string> values;
  std::vector<uint64_t> value_hashes;

  // From a sqlcommenter comment.
  std::optional<std::string> trace_id;
  std::optional<std::string> route;
  bool ignore_all = false;                 // /* pgsleuth:ignore */
  std::vector<std::string> ignore_kinds;   // /* pgsleuth:ignore=kind,... */

  SteadyTime started{};
  SteadyTime completed{};
  WallTime completed_wall{};
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string command_tag;
  std::string sqlstate;
  char tx_before = 'I';
  char tx_after = 'I';
  uint64_t result_hash = 0;
  std::vector<uint64_t> cell_hashes;       // returned cell values
};

}  // namespace pgsleuth::analyzers
