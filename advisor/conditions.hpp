#pragma once
// Which columns of one relation a plan's condition text could use an index
// on, read with PostgreSQL's own grammar (libpg_query): EXPLAIN prints
// expressions as SQL, so "(orders.customer_id = 42)" is parsed as the WHERE
// clause of "SELECT WHERE (orders.customer_id = 42)". Conservative: only
// conjuncts of the form column op value, where value does not mention the
// relation; anything else (OR, functions of the column, a text that does
// not parse) adds nothing.

#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::advisor {

struct OrderColumn {
  std::string column;
  bool descending = false;
  bool operator==(const OrderColumn&) const = default;
};

struct ColumnUse {
  std::vector<std::string> equality;  // =, = ANY, IS NULL; first mention first, no repeats
  std::vector<std::string> range;     // <, <=, >, >=
  std::vector<OrderColumn> order;     // ORDER BY keys; empty unless every key is a plain column of it
};

// Adds what `condition` (a Filter, Join Filter or Hash Cond) says about the
// columns of the relation scanned as `alias`.
void add_condition(ColumnUse& use, std::string_view alias, std::string_view condition);

// Sets `use.order` from a Sort node's keys ("orders.created_at DESC").
void set_sort_keys(ColumnUse& use, std::string_view alias, const std::vector<std::string>& keys);

}  // namespace pgsleuth::advisor
