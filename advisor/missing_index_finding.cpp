#include "advisor/missing_index_finding.hpp"

#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "advisor/index_choice.hpp"

namespace pgsleuth::advisor {
namespace {

using findings::Severity;

std::string names(const std::vector<OrderColumn>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.column;
  return out;
}

std::string what_reads(const Suggestion& s, const std::string& relation) {
  const auto rows = fmt::format("{:.0f}", s.table_rows);
  switch (s.where->opening) {
    case Opening::SortUnderLimit:
      return fmt::format("The plan reads all of {} ({} rows) and sorts it to return the first rows of its ORDER BY",
                         relation, rows);
    case Opening::FilteredIndexScan:
      return fmt::format("The plan reads {} ({} rows) through an index and then filters most rows away on {}",
                         relation, rows, names(s.columns));
    case Opening::JoinScan:
      return fmt::format("The plan scans all of {} ({} rows) for a join on {}", relation, rows, names(s.columns));
    case Opening::FilteredScan:
      break;
  }
  return fmt::format("The plan reads all of {} ({} rows) with a Seq Scan to filter on {}", relation, rows,
                     names(s.columns));
}

// Impact sets the base: server time the fingerprint has cost. Without
// HypoPG's check the finding is one step less sure, so one lower.
Severity severity_of(const Suggestion& s) {
  const double ms = s.candidate->total_ms;
  Severity base = ms >= 10'000 ? Severity::Critical : ms >= 1'000 ? Severity::High : Severity::Medium;
  if (s.cost_after) return base;
  return static_cast<Severity>(static_cast<int>(base) - 1);
}

double two_places(double v) { return std::round(v * 100) / 100; }

}  // namespace

findings::Finding missing_index_finding(const Suggestion& s) {
  const Candidate& c = *s.candidate;
  const CandidateSample& sample = *s.sample;
  const Opportunity& where = *s.where;
  const std::string relation = where.schema.empty() ? where.relation : where.schema + "." + where.relation;
  findings::MissingIndexDetails d;
  d.relation = relation;
  for (const auto& col : s.columns) d.columns.push_back(col.column);
  d.ddl = index_ddl(where.schema, where.relation, s.columns);
  d.plan = where.plan_lines;
  d.cost_before = two_places(s.cost_before);
  if (s.cost_after) {
    d.cost_after = two_places(*s.cost_after);
    d.verified_with = "hypopg";
  }

  findings::Finding f;
  f.ts = std::chrono::system_clock::now();
  f.severity = severity_of(s);
  f.fingerprint = c.fingerprint;
  f.normalized = c.normalized;
  f.sample_sql = sample.sql;
  f.sample_params = sample.params;
  f.count = c.count;
  f.window = sample.window;
  if (sample.conn) {
    const auto& conn = *sample.conn;
    f.connection = findings::Connection{conn.connection_id, conn.database, conn.user, conn.application_name,
                                        conn.client_addr};
  }
  f.tables = c.tables;
  f.message = fmt::format("{}; this statement ran {} times for {:.0f} ms so far.", what_reads(s, relation), c.count,
                          c.total_ms);
  if (s.cost_after) {
    f.suggestion = fmt::format("Run {}: the planner's estimate for this statement drops from {:.2f} to {:.2f} "
                               "with it (checked with a HypoPG hypothetical index).",
                               d.ddl, s.cost_before, *s.cost_after);
  } else {
    f.suggestion = fmt::format("Run {} so the planner can read only the matching rows (not checked: with the "
                               "HypoPG extension in this database pgsleuth would verify the estimate first).",
                               d.ddl);
  }
  f.details = std::move(d);
  return f;
}

}  // namespace pgsleuth::advisor
