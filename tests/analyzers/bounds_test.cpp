#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

TEST(Bounds, StatementsBeyondTheCapAreCountedAndMarkTruncated) {
  config::AnalysisSettings s;
  s.window.max_statements = 10;
  s.query_budget.max_queries = 15;
  Harness h(s);
  h.run_per_id(select_comments_by_post(), 20);
  h.settle();
  const auto summary = h.only("request_summary");
  EXPECT_EQ(summary.at("count").as_int64(), 20);
  EXPECT_TRUE(summary.at("truncated").as_bool());
  const auto n1 = h.only("n_plus_one");
  EXPECT_EQ(n1.at("count").as_int64(), 10);
  EXPECT_TRUE(n1.at("truncated").as_bool());
  const auto budget = h.only("query_budget_exceeded");
  EXPECT_EQ(budget.at("count").as_int64(), 20);
}

TEST(Bounds, DistinctFingerprintsBeyondTheCapAreCountedOnly) {
  config::AnalysisSettings s;
  s.window.max_fingerprints = 3;
  Harness h(s);
  for (int i = 0; i < 6; ++i) {
    const auto shape = make_shape({StatementKind::Select,
                                   "SELECT a FROM t" + std::to_string(i), {"t" + std::to_string(i)}});
    h.run(Stmt(shape, h.conn));
  }
  h.settle();
  const auto summary = h.only("request_summary");
  EXPECT_EQ(summary.at("count").as_int64(), 6);
  EXPECT_EQ(summary.at("distinct_fingerprints").as_int64(), 3);
  EXPECT_TRUE(summary.at("truncated").as_bool());
}

TEST(Bounds, ZeroCapsTrackNothingAndStillReport) {
  config::AnalysisSettings s;
  s.window.max_statements = 0;
  s.query_budget.max_queries = 3;
  Harness h(s);
  h.run_per_id(select_user_by_id(), 3);
  h.settle();
  const auto budget = h.only("query_budget_exceeded");
  EXPECT_TRUE(budget.at("fingerprint").is_null());
  EXPECT_TRUE(budget.at("sample_sql").is_null());
  EXPECT_TRUE(budget.at("truncated").as_bool());
  EXPECT_EQ(h.of_kind("request_summary").size(), 1u);
}

TEST(Bounds, SampleSqlIsCutWithoutSplittingCharacters) {
  config::AnalysisSettings s;
  s.window.max_sample_sql_bytes = 64;
  Harness h(s);
  std::string long_sql = "SELECT name FROM users WHERE id = 5 /* ";
  while (long_sql.size() < 10000) long_sql += "\xC3\xA9";  // é
  for (int i = 0; i < 2; ++i) h.run(Stmt(select_user_by_id(), h.conn).params({"5"}).sql(long_sql));
  h.settle();
  const auto found = h.only("duplicate_query");
  const std::string sample(found.at("sample_sql").as_string());
  EXPECT_LE(sample.size(), 64u);
  EXPECT_GE(sample.size(), 60u);
  EXPECT_EQ(sample.find("\xEF\xBF\xBD"), std::string::npos) << "cut mid-character";
}

TEST(Bounds, WindowUnderLoadStaysUsable) {
  Harness h;
  // A hostile client: 50k statements in one window, each with cell hashes.
  for (int i = 0; i < 50000; ++i) {
    h.run(Stmt(select_comments_by_post(), h.conn)
              .params({std::to_string(i)})
              .returns(1, {std::to_string(i + 1)}),
          1us, 1us);
  }
  h.settle();
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("count").as_int64(), 10000);  // default max_statements
  EXPECT_TRUE(found.at("truncated").as_bool());
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
