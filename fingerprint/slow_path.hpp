#pragma once
// The slow path: everything straight from libpg_query, once per statement.
// It is the reference the cached fast path is checked against.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::fingerprint {

struct ConstantSpan {
  uint32_t begin = 0;  // byte range in the statement text replaced by $n
  uint32_t end = 0;
  uint32_t number = 0;  // the $n that replaced it (not always in text order)
};

struct SlowStatement {
  StatementShape shape;
  std::vector<std::string> constants;  // in $n order
  // Where pg_query_normalize put each $n; only when `spans_known` (the
  // normalized text could be aligned with the original token by token).
  std::vector<ConstantSpan> spans;
  bool spans_known = false;
  uint32_t first_number = 1;  // the first $n normalize assigned (after any $k params)
};

// One statement's text (no ';' separators). Never throws on bad SQL.
SlowStatement analyze_statement_slow(std::string_view text);

// Non-empty statements of a simple Query, as trimmed [begin, end) ranges, the
// way the server splits them (libpg_query's parser; its scanner if that fails).
std::vector<std::pair<size_t, size_t>> split_statements_slow(std::string_view sql);

// 16 lowercase hex characters.
std::string fingerprint_hex(uint64_t fingerprint);

}  // namespace pgsleuth::fingerprint
