#pragma once
// A statement event joined with what the fingerprint module knows of it:
// the analyzers' only input. Built on the analysis thread by
// StatementBuilder; it holds the event as the proxy saw it and adds what was
// derived from it, so nothing is copied field by field.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/statement_event.hpp"
#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::statements {

struct AnalyzedStatement {
  // Connection, timing, rows, bytes, command tag, SQLSTATE, transaction
  // status and result hashes, as the proxy recorded them. `event.sql` is the
  // whole text sent; `sql` below is this statement's part of it.
  events::StatementEvent event;
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
};

}  // namespace pgsleuth::statements
