#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

// The parent returns post ids 1..n; the loop asks for each post's comments.
void run_parent_and_loop(Harness& h, int n) {
  std::vector<std::string> ids = numbers(n);
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(n, ids));
  for (const auto& id : ids) {
    h.run(Stmt(select_comments_by_post(), h.conn).params({id}).returns(2));
  }
}

TEST(NPlusOne, FoundWithItsParentAndEvidence) {
  Harness h;
  run_parent_and_loop(h, 8);
  h.settle();
  const auto f = h.only("n_plus_one");
  EXPECT_EQ(f.at("count").as_int64(), 8);
  EXPECT_EQ(f.at("distinct_params").as_int64(), 8);
  EXPECT_EQ(f.at("fingerprint").as_string(), select_comments_by_post()->fingerprint_hex);
  ASSERT_TRUE(f.at("parent").is_object());
  EXPECT_EQ(f.at("parent").at("fingerprint").as_string(), select_posts()->fingerprint_hex);
  EXPECT_EQ(f.at("parent").at("normalized").as_string(), select_posts()->normalized);
  EXPECT_EQ(f.at("round_trips_saved").as_int64(), 7);
  EXPECT_TRUE(f.at("db_time_ms").is_double());
  EXPECT_NEAR(f.at("db_time_ms").as_double(), 8 * 0.2, 1e-6);
  EXPECT_NEAR(f.at("gaps_ms").at("median").as_double(), 0.1, 1e-6);
  const std::string message(f.at("message").as_string());
  EXPECT_NE(message.find("comments"), std::string::npos) << message;
  EXPECT_NE(message.find("8 times"), std::string::npos) << message;
  EXPECT_NE(message.find("posts"), std::string::npos) << message;
  const std::string suggestion(f.at("suggestion").as_string());
  EXPECT_NE(suggestion.find("= ANY($1)"), std::string::npos) << suggestion;
  EXPECT_NE(suggestion.find("JOIN"), std::string::npos) << suggestion;
}

TEST(NPlusOne, NoParentWhenTheValuesCameFromNowhere) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(3, {"100", "200", "300"}));
  h.run_per_id(select_comments_by_post(), 6);
  h.settle();
  const auto found = h.only("n_plus_one");
  EXPECT_TRUE(found.at("parent").is_null());
}

TEST(NPlusOne, SimpleProtocolLiteralsCountAsParameters) {
  Harness h;
  for (const auto& id : numbers(5)) {
    h.run(Stmt(select_comments_by_post(), h.conn)
              .literals({id})
              .sql("SELECT id, body FROM comments WHERE post_id = " + id));
  }
  h.settle();
  const auto found = h.only("n_plus_one");
  EXPECT_TRUE(found.at("sample_params").is_null());
  EXPECT_EQ(found.at("sample_sql").as_string(), "SELECT id, body FROM comments WHERE post_id = 1");
}

TEST(NPlusOne, BelowThresholdIsNotAFinding) {
  Harness h;
  run_parent_and_loop(h, 4);  // min_repeats is 5
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

TEST(NPlusOne, ThresholdComesFromSettings) {
  config::AnalysisSettings s;
  s.n_plus_one.min_repeats = 3;
  Harness h(s);
  run_parent_and_loop(h, 3);
  h.settle();
  EXPECT_EQ(h.of_kind("n_plus_one").size(), 1u);
}

TEST(NPlusOne, IdenticalParametersAreADuplicateNotAnNPlusOne) {
  Harness h;
  for (int i = 0; i < 6; ++i) h.run(Stmt(select_comments_by_post(), h.conn).params({"7"}));
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
  EXPECT_EQ(h.of_kind("duplicate_query").size(), 1u);
}

TEST(NPlusOne, RepeatsSplitAcrossWindowsAreNotCounted) {
  Harness h;
  h.run_per_id(select_comments_by_post(), 3);
  h.advance(500ms);  // more than idle_gap_ms: a new request
  h.run_per_id(select_comments_by_post(), 3);
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
  EXPECT_EQ(h.analyzer->stats().windows_closed, 2u);
}

TEST(NPlusOne, DriverNoiseIsNeverAFinding) {
  Harness h;
  for (const auto& oid : numbers(10)) h.run(Stmt(catalog_select(), h.conn).params({oid}));
  for (int i = 0; i < 10; ++i) h.run(Stmt(version_select(), h.conn));
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
}

TEST(NPlusOne, FailedExecutionsDoNotCount) {
  Harness h;
  h.run_per_id(select_comments_by_post(), 4);
  h.run(Stmt(select_comments_by_post(), h.conn).params({"9"}).failed("57014"));
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

TEST(NPlusOne, InlineMarkersSilenceTheStatementsCarryingThem) {
  Harness h;
  for (const auto& id : numbers(6)) {
    h.run(Stmt(select_comments_by_post(), h.conn).params({id}).ignore("n_plus_one"));
  }
  for (const auto& id : numbers(6)) h.run(Stmt(select_user_by_id(), h.conn).params({id}).ignore_all());
  h.settle();
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
