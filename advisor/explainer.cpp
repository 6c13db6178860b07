#include "advisor/explainer.hpp"

#include "advisor/index_choice.hpp"

namespace pgsleuth::advisor {
namespace {

constexpr const char* kStatementName = "pgsleuth_advisor";
constexpr const char* kExplain = "EXPLAIN (FORMAT JSON, VERBOSE) ";

struct Failure {
  Fault fault;
  std::string message;
};

// The EXECUTE of the prepared statement with the sample's values, or the
// reason it cannot be written.
std::optional<std::string> execute_text(SideConnection& conn, const CandidateSample& sample) {
  std::string args;
  for (const auto& value : *sample.params) {
    std::optional<std::string> literal = value ? conn.literal(*value) : std::optional<std::string>("NULL");
    if (!literal) return std::nullopt;
    args += (args.empty() ? "" : ", ") + *literal;
  }
  return std::string(kExplain) + "EXECUTE " + kStatementName + (args.empty() ? "" : "(" + args + ")");
}

std::optional<Failure> step(SideConnection& conn, QueryResult r) {
  if (r.ok) return std::nullopt;
  return Failure{conn.ok() ? statement_fault(r.sqlstate) : Fault::ConnectionLost, r.message};
}

}  // namespace

Explained explain(SideConnection& conn, const CandidateSample& sample, const std::optional<Hypothetical>& hypothetical) {
  Explained out;
  const bool extended = sample.params.has_value();
  std::optional<Failure> failed = step(conn, conn.query("BEGIN"));
  if (!failed && extended) {
    std::vector<uint32_t> types = sample.param_types;
    types.resize(sample.params->size(), 0);  // unknown: the server infers it, as for a client's Parse
    failed = step(conn, conn.prepare(kStatementName, sample.sql, types));
  }
  if (!failed && extended) {
    failed = step(conn, conn.query("SET LOCAL plan_cache_mode = force_custom_plan"));
  }
  if (!failed && hypothetical) {
    failed = step(conn, conn.query("SELECT 1 FROM " + quote_identifier(hypothetical->hypopg_schema) +
                                       ".hypopg_create_index($1)",
                                   {hypothetical->index_sql}));
  }
  std::optional<std::string> text;
  if (!failed) {
    text = extended ? execute_text(conn, sample) : std::string(kExplain) + sample.sql;
    if (!text) failed = Failure{Fault::Statement, "a sampled value is not valid UTF-8"};
  }
  if (!failed) {
    QueryResult r = conn.query(*text);
    if (r.ok && r.rows.size() == 1 && r.rows[0].size() == 1 && r.rows[0][0]) {
      out.plan_json = std::move(*r.rows[0][0]);
    } else if (r.ok) {
      failed = Failure{Fault::Plan, "EXPLAIN returned no single plan"};
    } else {
      failed = step(conn, std::move(r));
    }
  }
  // Rolled back whatever happened; the hypothetical index and the prepared
  // statement outlive a transaction, so they go too.
  if (conn.ok()) conn.query("ROLLBACK");
  if (hypothetical && conn.ok()) conn.query("SELECT " + quote_identifier(hypothetical->hypopg_schema) + ".hypopg_reset()");
  if (conn.ok() && extended) conn.query("DEALLOCATE ALL");
  if (failed) {
    out.plan_json.reset();
    out.fault = failed->fault;
    out.message = failed->message;
  }
  return out;
}

}  // namespace pgsleuth::advisor
