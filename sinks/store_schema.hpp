#pragma once
// The fleet store's table, pgsleuth_findings (the contract's columns and
// indexes), and the statements that write and read it: one home for its
// SQL. Beyond the contract the table has run_id and seq, unique together:
// each process writes its lines with a fresh run_id and a sequence number,
// so a batch retried after a connection died around its COMMIT is written
// once (ON CONFLICT DO NOTHING).

#include <string>

namespace pgsleuth::sinks {

inline constexpr const char* kStoreTable = "pgsleuth_findings";

// Run once per connection: asks for durable commits (synchronous_commit =
// on), and creates the table, its columns and indexes when one is missing,
// under an advisory lock so instances starting together do not race on
// CREATE. Two statements.
const std::string& store_schema_sql();

// $1: a JSON array of [seq, line] pairs, oldest first; $2: the run_id.
// Every column comes from the line itself, `finding` is the line.
const std::string& store_insert_sql();

// $1: the earliest ts (timestamptz text) or NULL, $2: the instance or NULL.
// One column, the line as text, in the order the lines were written.
const std::string& store_select_sql();

}  // namespace pgsleuth::sinks
