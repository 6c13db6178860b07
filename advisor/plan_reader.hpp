#pragma once
// Reads the JSON of EXPLAIN (FORMAT JSON, VERBOSE), as PostgreSQL 15 prints
// it, into the places where an index could help: pure, no database. It
// says where a table is read in full, not which columns to index
// (conditions.hpp reads the expressions it hands on).

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::advisor {

struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Why an index could help at this place of the plan.
enum class Opening {
  FilteredScan,    // a Seq Scan whose Filter names the relation's columns
  SortUnderLimit,  // a Sort of a Seq Scan's rows feeding a Limit
  JoinScan,        // a Seq Scan joined per outer row of a Nested Loop, or read in full to match a far smaller side
  FilteredIndexScan,  // an Index or Bitmap Heap Scan whose Filter does the rest of the work
};

struct Opportunity {
  Opening opening = Opening::FilteredScan;
  std::string schema;
  std::string relation;
  std::string alias;
  std::string filter;                  // the scan's Filter, "" when none
  std::string join_condition;          // Join Filter or Hash Cond naming the relation, "" when none
  std::string index_condition;         // FilteredIndexScan: the Index Cond (Recheck Cond) the index already serves
  std::vector<std::string> sort_keys;  // "orders.created_at DESC", for SortUnderLimit
  double scan_rows = 0;                // the scan's estimated output rows
  std::vector<std::string> plan_lines; // the nodes that show it, outermost first, as EXPLAIN's text prints them
};

struct ReadPlan {
  double total_cost = 0;  // the top node's
  std::vector<Opportunity> opportunities;
};

// Throws PlanError when `json` is not an EXPLAIN (FORMAT JSON) result.
ReadPlan read_plan(std::string_view json);

// Only the top node's Total Cost (the second EXPLAIN, with a hypothetical index).
double plan_total_cost(std::string_view json);

}  // namespace pgsleuth::advisor
