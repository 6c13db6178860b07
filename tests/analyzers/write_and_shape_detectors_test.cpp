#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

TEST(UnbatchedWrite, RowByRowInsertsAreFound) {
  Harness h;
  for (const auto& v : numbers(6)) h.run(Stmt(insert_events(), h.conn).params({v}));
  h.settle();
  const auto found = h.only("unbatched_write");
  EXPECT_EQ(found.at("count").as_int64(), 6);
  EXPECT_EQ(found.at("distinct_params").as_int64(), 6);
  EXPECT_EQ(found.at("tables").as_array().at(0).as_string(), "events");
  EXPECT_NE(std::string(found.at("suggestion").as_string()).find("unnest"), std::string::npos);
}

TEST(UnbatchedWrite, RoundTripsCountOnlyWhatWasNotPipelined) {
  Harness h;
  // Sequential: each INSERT sent after the previous answer. 6 round trips.
  for (const auto& v : numbers(6)) h.run(Stmt(insert_events(), h.conn).params({v}));
  h.settle();
  auto found = h.of_kind("unbatched_write");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("round_trips_saved").as_int64(), 5);
  EXPECT_NE(std::string(found[0].at("suggestion").as_string()).find("saves 5 round trips"), std::string::npos);

  // Pipelined (executemany): every request sent before the first answer.
  Harness p;
  const auto start = p.now;
  int i = 0;
  for (const auto& v : numbers(6)) {
    auto stmt = Stmt(insert_events(), p.conn).params({v});
    stmt.at(start + std::chrono::microseconds(i), std::chrono::microseconds(100 + 50 * i));
    p.analyzer->on_statement(stmt.build());
    ++i;
  }
  p.settle();
  found = p.of_kind("unbatched_write");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].at("count").as_int64(), 6);
  EXPECT_EQ(found[0].at("round_trips_saved").as_int64(), 0);
  const std::string suggestion(found[0].at("suggestion").as_string());
  EXPECT_EQ(suggestion.find("round trips."), std::string::npos) << suggestion;
  EXPECT_NE(suggestion.find("already pipelined"), std::string::npos) << suggestion;
}

TEST(UnbatchedWrite, BelowThresholdOrSameParametersIsNot) {
  Harness h;
  for (const auto& v : numbers(4)) h.run(Stmt(insert_events(), h.conn).params({v}));
  h.advance(1s);
  for (int i = 0; i < 6; ++i) h.run(Stmt(insert_events(), h.conn).params({"same"}));
  h.settle();
  EXPECT_TRUE(h.of_kind("unbatched_write").empty());
}

TEST(UnboundedSelect, ManyRowsWithoutLimit) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"1"}).returns(5000));
  h.settle();
  const auto found = h.only("unbounded_select");
  EXPECT_EQ(found.at("rows").as_int64(), 5000);
  EXPECT_EQ(found.at("bytes").as_int64(), 5000 * 16);
}

TEST(UnboundedSelect, LimitAggregateOrFewRowsIsNot) {
  Harness h;
  const auto limited = make_shape(
      {StatementKind::Select, "SELECT id FROM posts LIMIT $1", {"posts"}, {}, true});
  const auto aggregate = make_shape({StatementKind::Select, "SELECT count(*) FROM posts",
                                     {"posts"}, {}, false, false, true});
  h.run(Stmt(limited, h.conn).params({"5000"}).returns(5000));
  h.run(Stmt(aggregate, h.conn).returns(1));
  h.run(Stmt(select_posts(), h.conn).params({"1"}).returns(999));
  h.settle();
  EXPECT_TRUE(h.of_kind("unbounded_select").empty());
}

TEST(SelectStar, OncePerFingerprintPerProcess) {
  Harness h;
  const auto star = make_shape(
      {StatementKind::Select, "SELECT * FROM accounts WHERE id = $1", {"accounts"}, {}, false, true});
  h.run(Stmt(star, h.conn).params({"1"}));
  h.settle();
  h.run(Stmt(star, h.conn).params({"2"}));
  h.settle();
  const auto found = h.only("select_star");
  EXPECT_EQ(found.at("severity").as_string(), "low");
}

TEST(SelectStar, CatalogStarIsDriverNoise) {
  Harness h;
  const auto star = make_shape({StatementKind::Select, "SELECT * FROM pg_catalog.pg_type",
                                {"pg_catalog.pg_type"}, {}, false, true});
  h.run(Stmt(star, h.conn));
  h.settle();
  EXPECT_TRUE(h.of_kind("select_star").empty());
}

TEST(SlowQuery, AtOrAboveThresholdWithDuration) {
  Harness h;
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}), 100us, 250ms);
  h.run(Stmt(select_user_by_id(), h.conn).params({"2"}), 100us, 99ms);
  h.settle();
  const auto found = h.only("slow_query");
  EXPECT_EQ(found.at("count").as_int64(), 1);
  EXPECT_DOUBLE_EQ(found.at("duration_ms").as_double(), 250.0);
  EXPECT_EQ(found.at("sample_params").as_array().at(0).as_string(), "1");
}

TEST(SlowQuery, SlowCommitIsSessionControlAndNeverAFinding) {
  Harness h;
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  h.run(Stmt(commit_shape(), h.conn).tx('T', 'I'), 100us, 500ms);
  h.settle();
  EXPECT_TRUE(h.of_kind("slow_query").empty());
}

TEST(QueryBudget, WindowWithTooManyStatementsNamesTheTopOnes) {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 10;
  Harness h(s);
  h.run_per_id(select_user_by_id(), 7);
  h.run_per_id(insert_events(), 3);
  h.settle();
  const auto f = h.only("query_budget_exceeded");
  EXPECT_EQ(f.at("count").as_int64(), 10);
  EXPECT_EQ(f.at("fingerprint").as_string(), select_user_by_id()->fingerprint_hex);
  const auto& top = f.at("top").as_array();
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].at("count").as_int64(), 7);
  EXPECT_EQ(top[1].at("count").as_int64(), 3);
  EXPECT_TRUE(f.at("db_time_ms").is_double());
}

TEST(QueryBudget, QuotesAStatementThatCanChangeNotSessionControl) {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 10;
  Harness h(s);
  const auto set = make_shape({StatementKind::SetShow, "SET application_name = $1"});
  for (const auto& v : numbers(7)) h.run(Stmt(set, h.conn).literals({v}));
  h.run_per_id(select_user_by_id(), 3);
  h.settle();
  const auto found = h.only("query_budget_exceeded");
  EXPECT_EQ(found.at("fingerprint").as_string(), select_user_by_id()->fingerprint_hex);
  EXPECT_EQ(found.at("top").as_array().at(0).at("fingerprint").as_string(),
            set->fingerprint_hex);
}

TEST(QueryBudget, WhenNothingRepeatsTheMessageSaysSo) {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 10;
  Harness h(s);
  for (int i = 0; i < 10; ++i) {
    const auto shape = make_shape({StatementKind::Select, "SELECT a FROM t" + std::to_string(i), {"t"}});
    h.run(Stmt(shape, h.conn).literals({}));
  }
  h.settle();
  const auto found = h.only("query_budget_exceeded");
  EXPECT_EQ(found.at("message").as_string(), "One request ran 10 statements (budget 10); no statement in it ran twice.");
}

TEST(QueryBudget, UnderBudgetIsNot) {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 10;
  Harness h(s);
  h.run_per_id(insert_events(), 9);
  h.settle();
  EXPECT_TRUE(h.of_kind("query_budget_exceeded").empty());
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
