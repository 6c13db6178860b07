#include "advisor/reviewer.hpp"

#include <spdlog/spdlog.h>

#include "advisor/catalog.hpp"
#include "advisor/index_choice.hpp"
#include "advisor/missing_index_finding.hpp"
#include "advisor/plan_reader.hpp"

namespace pgsleuth::advisor {
namespace {

constexpr size_t kMaxSessions = 16;
constexpr size_t kMaxRemembered = 65536;

AdvisorMetric metric_of(Fault f) {
  return static_cast<AdvisorMetric>(static_cast<int>(AdvisorMetric::FaultConnect) + static_cast<int>(f));
}
static_assert(static_cast<int>(AdvisorMetric::FaultStatement) - static_cast<int>(AdvisorMetric::FaultConnect) ==
              static_cast<int>(Fault::Statement));

}  // namespace

struct Reviewer::Session {
  std::unique_ptr<SideConnection> conn;
  std::optional<std::string> hypopg;  // looked up once per connection
  Clock::time_point next_login{};
  Clock::time_point last_used{};
};

struct Reviewer::Best {
  const CandidateSample* sample = nullptr;
  ReadPlan plan;
};

Reviewer::Reviewer(ReviewSettings settings, Count count, Wait wait, Emit emit)
    : settings_(std::move(settings)),
      count_(std::move(count)),
      wait_(std::move(wait)),
      emit_(std::move(emit)),
      budget_(settings_.max_explains_per_minute) {}

Reviewer::~Reviewer() = default;

void Reviewer::fault(Fault f, const std::string& database, const std::string& message) {
  count_(metric_of(f));
  if (logged_.first(f, database)) {
    spdlog::warn("index advisor: database {}: {} ({}; logged once per cause and database, counted in "
                 "pgsleuth_advisor_faults_total{{cause=\"{}\"}})",
                 database, message, to_string(f), to_string(f));
  }
}

Reviewer::Session* Reviewer::session(const std::string& database) {
  const auto now = Clock::now();
  auto& slot = sessions_[database];
  if (!slot) {
    if (sessions_.size() > kMaxSessions) {
      // Close the connection used least recently (not this one).
      auto oldest = sessions_.end();
      for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (it->first != database && (oldest == sessions_.end() || it->second->last_used < oldest->second->last_used)) {
          oldest = it;
        }
      }
      if (oldest != sessions_.end()) sessions_.erase(oldest);
    }
    slot = std::make_unique<Session>();
  }
  Session& s = *slot;
  s.last_used = now;
  if (s.conn && s.conn->ok()) return &s;
  if (now < s.next_login) return nullptr;  // no retry loop against a refusing server
  s.conn = std::make_unique<SideConnection>(settings_.connection, database);
  s.hypopg.reset();
  if (!s.conn->ok()) {
    fault(login_fault(s.conn->error()), database,
          fmt::format("cannot log in as {}: {}", settings_.connection.user, s.conn->error()));
    s.conn.reset();
    s.next_login = now + settings_.retry_login_after;
    return nullptr;
  }
  s.hypopg = hypopg_schema(*s.conn);
  return &s;
}

std::optional<Explained> Reviewer::run_explain(Session& s, const CandidateSample& sample,
                                               const std::optional<Hypothetical>& hypothetical) {
  const auto at = budget_.next_at(Clock::now());
  if (at > Clock::now() && !wait_(at)) return std::nullopt;
  budget_.spend(Clock::now());
  count_(AdvisorMetric::Explains);
  Explained e = explain(*s.conn, sample, hypothetical);
  if (!e.plan_json) {
    fault(e.fault, sample.conn->database, "EXPLAIN failed: " + e.message);
    if (!s.conn->ok()) s.conn.reset();
  }
  return e;
}

bool Reviewer::unchanged_since_explained(Session& s, const Candidate& c) {
  const auto found = explained_.find(c.fingerprint);
  if (found == explained_.end()) return false;
  for (const auto& [relation, cls] : found->second) {
    const auto info = relation_info(*s.conn, relation.first, relation.second);
    if (info.info && size_class(info.info->rows) != cls) return false;
  }
  return true;
}

// A connection that died (a restarted server, pg_terminate_backend) costs
// this candidate one fresh login, not the candidate: once, never a loop.
void Reviewer::review(const Candidate& c) {
  if (review_once(c) == Outcome::ConnectionLost) review_once(c);
}

Reviewer::Outcome Reviewer::review_once(const Candidate& c) {
  if (c.samples.empty() || !c.samples.front().conn) return Outcome::Done;
  const std::string database = c.samples.front().conn->database;
  Session* s = session(database);
  if (!s) return Outcome::Done;
  if (unchanged_since_explained(*s, c)) return Outcome::Done;
  // The costliest plan among the samples of this database.
  Best best;
  for (const auto& sample : c.samples) {
    if (!sample.conn || sample.conn->database != database || !s->conn) continue;
    const auto e = run_explain(*s, sample, std::nullopt);
    if (!e) return Outcome::Done;  // stopping
    if (!e->plan_json && e->fault == Fault::ConnectionLost && !best.sample) return Outcome::ConnectionLost;
    if (!e->plan_json) continue;
    try {
      ReadPlan plan = read_plan(*e->plan_json);
      if (!best.sample || plan.total_cost > best.plan.total_cost) best = Best{&sample, std::move(plan)};
    } catch (const PlanError& error) {
      fault(Fault::Plan, database, std::string("cannot read the plan: ") + error.what());
    }
  }
  if (!best.sample || !s->conn) return Outcome::Done;
  suggest(*s, c, best);
  return Outcome::Done;
}

void Reviewer::suggest(Session& s, const Candidate& c, const Best& best) {
  const std::string& database = best.sample->conn->database;
  if (explained_.size() >= kMaxRemembered) explained_.clear();  // bounded; at worst some are explained again
  auto& classes = explained_[c.fingerprint];
  for (const auto& where : best.plan.opportunities) {
    if (!s.conn) return;
    const auto catalog = relation_info(*s.conn, where.schema, where.relation);
    if (catalog.failure) {
      fault(catalog.failure->fault, database, "reading the catalog failed: " + catalog.failure->message);
      if (!s.conn->ok()) s.conn.reset();
      continue;
    }
    if (!catalog.info) continue;
    // Whether the Filter removes most of the index's rows only HypoPG's
    // estimate can tell (no ANALYZE); without it this one is left alone.
    if (where.opening == Opening::FilteredIndexScan && !s.hypopg) continue;
    classes[{where.schema, where.relation}] = size_class(catalog.info->rows);
    if (catalog.info->rows < static_cast<double>(settings_.min_table_rows)) continue;
    ColumnUse use;
    add_condition(use, where.alias, where.index_condition);
    add_condition(use, where.alias, where.filter);
    add_condition(use, where.alias, where.join_condition);
    if (where.opening == Opening::SortUnderLimit) {
      set_sort_keys(use, where.alias, where.sort_keys);
      if (use.order.empty()) continue;  // an order no plain index gives
    }
    const auto columns = choose_columns(use, catalog.info->indexes);
    if (columns.empty()) continue;
    std::string key = c.fingerprint + '\x1f' + where.schema + '.' + where.relation;
    for (const auto& col : columns) key += '\x1f' + col.column;
    if (reported_.count(key)) continue;

    Suggestion suggestion{&c, best.sample, &where, columns, catalog.info->rows, best.plan.total_cost, std::nullopt};
    if (s.hypopg) {
      const auto e = run_explain(s, *best.sample,
                                 Hypothetical{*s.hypopg, index_ddl(where.schema, where.relation, columns, false)});
      if (!e || !e->plan_json) continue;
      try {
        suggestion.cost_after = plan_total_cost(*e->plan_json);
      } catch (const PlanError& error) {
        fault(Fault::Plan, database, std::string("cannot read the plan: ") + error.what());
        continue;
      }
      // dexter's rule: worth an index only when the estimate halves.
      if (*suggestion.cost_after > best.plan.total_cost / 2) continue;
    }
    if (reported_.size() < kMaxRemembered) reported_.insert(key);
    count_(AdvisorMetric::Suggestions);
    emit_(missing_index_finding(suggestion));
  }
}

}  // namespace pgsleuth::advisor
