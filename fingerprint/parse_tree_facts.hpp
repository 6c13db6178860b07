#pragma once
// Statement facts (kind, tables, LIMIT, *, pure aggregate) read from one
// statement of libpg_query's JSON parse tree.

#include <boost/json/value.hpp>

#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::fingerprint {

// `stmt` is the value of a RawStmt's "stmt" member: {"SelectStmt": {...}}.
StatementFacts facts_from_parse_tree(const boost::json::value& stmt);

}  // namespace pgsleuth::fingerprint
