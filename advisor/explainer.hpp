#pragma once
// EXPLAIN (FORMAT JSON, VERBOSE) of one sampled execution on a side
// connection; never ANALYZE, so nothing the application sent runs again.
//
// Extended protocol (PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN)): the
// statement is prepared with the client's parameter types and explained as
// EXECUTE with the sampled values as literals, under plan_cache_mode =
// force_custom_plan so the plan is the one those values get:
//   BEGIN; PREPARE s(types) AS stmt; SET LOCAL plan_cache_mode = force_custom_plan;
//   EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE s('v1', ...); ROLLBACK; DEALLOCATE ALL
// Simple protocol: the statement as sent, in the same transaction.
// With `hypothetical` (an index definition) HypoPG's hypothetical index is
// created first and removed after, on this connection only.

#include <optional>
#include <string>

#include "advisor/candidate.hpp"
#include "advisor/fault.hpp"
#include "advisor/side_connection.hpp"

namespace pgsleuth::advisor {

struct Hypothetical {
  std::string hypopg_schema;  // where the extension's functions are
  std::string index_sql;      // "CREATE INDEX ON public.orders (customer_id)"
};

struct Explained {
  std::optional<std::string> plan_json;  // set on success
  Fault fault = Fault::Statement;        // otherwise
  std::string message;
};

Explained explain(SideConnection& conn, const CandidateSample& sample,
                  const std::optional<Hypothetical>& hypothetical = std::nullopt);

}  // namespace pgsleuth::advisor
