#pragma once
// The advisor thread's work on one candidate: its database's side
// connection, EXPLAINs within the budget, the plan read, the index chosen
// and (with HypoPG) verified. Single-threaded; blocking on the database is
// what it is for.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "advisor/advisor_metrics.hpp"
#include "advisor/candidate.hpp"
#include "advisor/explain_budget.hpp"
#include "advisor/explainer.hpp"
#include "advisor/fault.hpp"
#include "advisor/side_connection.hpp"

namespace pgsleuth::advisor {

struct ReviewSettings {
  SideConnectionSettings connection;
  uint64_t min_table_rows = 10000;
  uint32_t max_explains_per_minute = 30;
  // After a failed login, the next try for that database waits this long.
  std::chrono::milliseconds retry_login_after{std::chrono::seconds(60)};
};

class Reviewer {
 public:
  using Clock = std::chrono::steady_clock;
  using Count = std::function<void(AdvisorMetric)>;
  // Waits until the time given, or less when stopping; false: stop now.
  using Wait = std::function<bool(Clock::time_point)>;
  using Emit = std::function<void(findings::Finding&&)>;

  Reviewer(ReviewSettings settings, Count count, Wait wait, Emit emit);
  ~Reviewer();

  void review(const Candidate& candidate);

 private:
  enum class Outcome { Done, ConnectionLost };
  Outcome review_once(const Candidate& candidate);
  struct Session;
  struct Best;
  Session* session(const std::string& database);
  std::optional<Explained> run_explain(Session& s, const CandidateSample& sample,
                                       const std::optional<Hypothetical>& hypothetical);
  void fault(Fault fault, const std::string& database, const std::string& message);
  bool unchanged_since_explained(Session& s, const Candidate& c);
  void suggest(Session& s, const Candidate& c, const Best& best);

  ReviewSettings settings_;
  Count count_;
  Wait wait_;
  Emit emit_;
  ExplainBudget budget_;
  FaultLog logged_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  // Per explained fingerprint: each relation its plan read, and its size class then.
  std::unordered_map<std::string, std::map<std::pair<std::string, std::string>, int>> explained_;
  std::set<std::string> reported_;  // fingerprint, relation, columns
};

}  // namespace pgsleuth::advisor
