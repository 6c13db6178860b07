#pragma once
// Synthetic statements and a recording sink for the analyzer tests: time is
// a steady clock the test moves by hand.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analyzers/analyzer.hpp"
#include "events/value_hash.hpp"
#include "findings/json.hpp"

namespace pgsleuth::analyzers::testing {

using namespace std::chrono_literals;
using fingerprint::StatementKind;
using ShapePtr = std::shared_ptr<const fingerprint::StatementShape>;

struct ShapeSpec {
  StatementKind kind = StatementKind::Select;
  std::string normalized{};
  std::vector<std::string> reads{};
  std::vector<std::string> writes{};
  bool has_limit = false;
  bool select_star = false;
  bool pure_aggregate = false;
};

// A shape whose fingerprint is derived from the normalized text.
ShapePtr make_shape(ShapeSpec spec);

// Common shapes.
ShapePtr select_comments_by_post();   // SELECT ... FROM comments WHERE post_id = $1
ShapePtr select_posts();              // SELECT id FROM posts
ShapePtr select_user_by_id();         // SELECT ... FROM users WHERE id = $1
ShapePtr update_users();              // UPDATE users SET ... WHERE id = $1
ShapePtr insert_events();             // INSERT INTO events ...
ShapePtr begin_shape();
ShapePtr commit_shape();
ShapePtr catalog_select();            // SELECT ... FROM pg_catalog.pg_type WHERE oid = $1
ShapePtr version_select();            // SELECT pg_catalog.version()

events::ConnectionInfoPtr make_conn(uint64_t id, std::string client_addr = "10.0.0.7");

// Builds one AnalyzedStatement.
class Stmt {
 public:
  Stmt(ShapePtr shape, events::ConnectionInfoPtr conn);
  Stmt& at(SteadyTime started, std::chrono::microseconds duration = 200us);
  Stmt& params(const std::vector<std::string>& values);    // extended protocol
  Stmt& literals(const std::vector<std::string>& values);  // simple protocol
  Stmt& trace(std::string trace_id, std::optional<std::string> route = std::nullopt);
  Stmt& tx(char before, char after);
  Stmt& returns(uint64_t rows, const std::vector<std::string>& cells = {});
  Stmt& result_hash(uint64_t hash);
  Stmt& failed(std::string sqlstate = "42P01");
  Stmt& ignore_all();
  Stmt& ignore(std::string kind);
  Stmt& sql(std::string text);
  AnalyzedStatement build() const { return s_; }
  operator AnalyzedStatement() const { return s_; }

 private:
  AnalyzedStatement s_;
};

// Keeps every line as the stream would carry it (findings/json.hpp).
class RecordingSink : public findings::FindingSink {
 public:
  void emit(const findings::Finding& finding) override { lines.push_back(findings::to_json(finding)); }
  void emit(const findings::RequestSummary& summary) override { lines.push_back(findings::to_json(summary)); }
  std::vector<boost::json::object> of_kind(std::string_view kind) const;
  // The one line of this kind; throws, failing the test, unless there is
  // exactly one (the message lists every line).
  boost::json::object only(std::string_view kind) const;
  // The lines that are findings (request summaries come with every window).
  std::vector<boost::json::object> finding_lines() const;
  std::vector<boost::json::object> lines;
};

// An analyzer, a sink and a clock.
struct Harness {
  explicit Harness(config::AnalysisSettings s = {});
  // Feeds `stmt` started at the clock, then moves the clock past it by `gap`.
  void run(Stmt stmt, std::chrono::microseconds gap = 100us,
           std::chrono::microseconds duration = 200us);
  // Runs `shape` once per id "1".."n" on `on` (`conn` unless given), as a
  // loop over ids does.
  void run_per_id(const ShapePtr& shape, int n) { run_per_id(shape, n, conn); }
  void run_per_id(const ShapePtr& shape, int n, const events::ConnectionInfoPtr& on);
  void advance(std::chrono::microseconds d) { now += d; }
  void tick() { analyzer->tick(now); }
  // Moves well past every idle limit and ticks.
  void settle();
  std::vector<boost::json::object> of_kind(std::string_view kind) const {
    return sink.of_kind(kind);
  }
  boost::json::object only(std::string_view kind) const { return sink.only(kind); }

  config::AnalysisSettings settings;
  RecordingSink sink;
  std::unique_ptr<Analyzer> analyzer;
  SteadyTime now = SteadyTime{} + 1h;
  events::ConnectionInfoPtr conn = make_conn(1);
};

// "1", "2", ... "n".
std::vector<std::string> numbers(int n);

}  // namespace pgsleuth::analyzers::testing
