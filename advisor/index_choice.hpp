#pragma once
// The columns of the index to suggest, in order, and its DDL. Pure.
//
// Equality columns first (any order serves them), then one range column,
// else the ORDER BY columns (after a range column an index no longer gives
// the order, so they would only widen it). Nothing when an existing valid
// index already leads with those columns: the planner had it and chose
// otherwise, so suggesting it again would be wrong.

#include <optional>
#include <string>
#include <vector>

#include "advisor/conditions.hpp"

namespace pgsleuth::advisor {

// One existing valid, non-partial index's key columns, in order; "" for an
// expression.
using IndexColumns = std::vector<std::string>;

std::vector<OrderColumn> choose_columns(const ColumnUse& use, const std::vector<IndexColumns>& existing);

// A name as SQL writes it: bare when it is a plain lowercase identifier and
// no keyword, else double-quoted.
std::string quote_identifier(const std::string& name);

// "CREATE INDEX CONCURRENTLY ON public.orders (customer_id, created_at DESC)".
// DESC as the ORDER BY had it.
std::string index_ddl(const std::string& schema, const std::string& relation, const std::vector<OrderColumn>& columns,
                      bool concurrently = true);

}  // namespace pgsleuth::advisor
