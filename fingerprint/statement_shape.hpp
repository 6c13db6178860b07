#pragma once
// What pgsleuth knows about a statement's shape: everything that is the same
// for every statement with the same fingerprint. Cached per shape.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::fingerprint {

enum class StatementKind : uint8_t {
  Select,
  Insert,
  Update,
  Delete,
  Merge,
  Ddl,
  Utility,             // COPY, VACUUM, EXPLAIN, LISTEN, PREPARE, DEALLOCATE, ...
  TransactionControl,  // BEGIN, START, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ...
  SetShow,             // SET, RESET, SHOW
  Unknown,             // did not parse
};

std::string_view to_string(StatementKind kind);

struct StatementFacts {
  StatementKind kind = StatementKind::Unknown;
  std::vector<std::string> tables_read;     // schema-qualified where written so
  std::vector<std::string> tables_written;
  bool has_limit = false;        // SELECT with LIMIT or FETCH FIRST
  bool select_star = false;      // selects * or t.*
  bool pure_aggregate = false;   // aggregates only, no GROUP BY: one row
};

struct StatementShape {
  uint64_t fingerprint = 0;
  std::string fingerprint_hex;   // 16 lowercase hex characters
  std::string normalized;        // constants replaced by $n
  StatementFacts facts;
  bool parsed = true;            // false: fingerprint is an xxHash fallback
};

}  // namespace pgsleuth::fingerprint
