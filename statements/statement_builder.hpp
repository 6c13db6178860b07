#pragma once
// Joins a statement event with its fingerprint and sqlcommenter facts into
// the analyzers' input. Owns the fingerprint cache (analysis thread only).

#include <memory>
#include <vector>

#include "statements/analyzed_statement.hpp"
#include "statements/sql_prepared.hpp"
#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::statements {

class StatementBuilder {
 public:
  explicit StatementBuilder(uint64_t cache_bytes) : fingerprinter_(cache_bytes) {}

  AnalyzedStatement build(events::StatementEvent&& ev);
  fingerprint::CacheStats cache_stats() const { return fingerprinter_.stats(); }
  // Its SQL-level prepared statements are gone.
  void connection_closed(uint64_t connection_id) { prepared_.connection_closed(connection_id); }

 private:
  fingerprint::Fingerprinter fingerprinter_;
  SqlPreparedStatements prepared_;
  // The statements of the last simple Query: its several events share the
  // text, which is split and fingerprinted once.
  events::SqlText last_sql_;
  std::vector<fingerprint::StatementAnalysis> last_analyses_;
};

}  // namespace pgsleuth::statements
