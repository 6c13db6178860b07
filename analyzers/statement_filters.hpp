#pragma once
// Which statements may make which findings. Driver noise (catalog reads,
// version probes), transaction control and SET/SHOW count in windows but
// never make repeat findings.

#include <string_view>

#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::analyzers {

// pg_catalog.*, information_schema.*, or an unqualified pg_* relation.
bool is_system_table(std::string_view table);

// Reads or writes at least one table that is not a system table.
bool touches_user_table(const fingerprint::StatementShape& shape);

// BEGIN/COMMIT/ROLLBACK/SAVEPOINT, SET, RESET, SHOW.
bool is_session_control(const fingerprint::StatementShape& shape);

// A SELECT of user tables: what n_plus_one and duplicate_query look at.
bool is_user_select(const fingerprint::StatementShape& shape);

// INSERT/UPDATE/DELETE/MERGE of user tables.
bool is_user_write(const fingerprint::StatementShape& shape);

// "public.users" and "users" name the same table for matching purposes.
bool same_table(std::string_view a, std::string_view b);

}  // namespace pgsleuth::analyzers
