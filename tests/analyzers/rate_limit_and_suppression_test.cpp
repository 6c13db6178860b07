#include <gtest/gtest.h>

#include "analyzer_harness.hpp"
#include "analyzers/finding_rate_limiter.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

// One request window holding a duplicate_query of users.
void one_duplicate_request(Harness& h) {
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
  h.advance(1s);
  h.tick();
}

TEST(RateLimit, RepeatsPerMinuteAreCappedAndTheSuppressedCountCarried) {
  config::AnalysisSettings s;
  s.max_repeats_per_minute = 2;
  Harness h(s);
  for (int i = 0; i < 5; ++i) one_duplicate_request(h);
  auto found = h.of_kind("duplicate_query");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].at("suppressed_since_last").as_int64(), 0);
  EXPECT_EQ(h.analyzer->stats().findings_suppressed, 3u);
  h.advance(std::chrono::minutes(1));
  one_duplicate_request(h);
  found = h.of_kind("duplicate_query");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[2].at("suppressed_since_last").as_int64(), 3);
}

TEST(RateLimit, ZeroMeansUnlimited) {
  config::AnalysisSettings s;
  s.max_repeats_per_minute = 0;
  Harness h(s);
  for (int i = 0; i < 20; ++i) one_duplicate_request(h);
  EXPECT_EQ(h.of_kind("duplicate_query").size(), 20u);
}

TEST(RateLimit, KeysAreKindAndFingerprint) {
  FindingRateLimiter limiter;
  const SteadyTime t{};
  EXPECT_TRUE(limiter.admit("n_plus_one", "a", 1, t));
  EXPECT_FALSE(limiter.admit("n_plus_one", "a", 1, t));
  EXPECT_TRUE(limiter.admit("n_plus_one", "b", 1, t));
  EXPECT_TRUE(limiter.admit("duplicate_query", "a", 1, t));
}

TEST(RateLimit, KeyCountIsBounded) {
  FindingRateLimiter limiter(100);
  SteadyTime t{};
  for (int i = 0; i < 1000; ++i) {
    limiter.admit("n_plus_one", std::to_string(i), 1, t);
    t += std::chrono::seconds(1);
  }
  EXPECT_LE(limiter.keys(), 100u);
}

TEST(Suppression, AllowlistByFingerprintTableAndRoute) {
  config::AnalysisSettings s;
  s.suppress.fingerprints = {select_user_by_id()->fingerprint_hex};
  s.suppress.tables = {"public.events"};
  s.suppress.routes = {"health#check"};
  Harness h(s);
  for (int i = 0; i < 3; ++i) h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
  for (const auto& v : numbers(6)) h.run(Stmt(insert_events(), h.conn).params({v}));
  h.advance(1s);
  for (int i = 0; i < 3; ++i) {
    h.run(Stmt(select_posts(), h.conn).params({"1"}).trace("t1", "health#check"));
  }
  h.advance(1s);
  for (int i = 0; i < 3; ++i) h.run(Stmt(select_posts(), h.conn).params({"1"}));
  h.settle();
  const auto found = h.of_kind("duplicate_query");
  ASSERT_EQ(found.size(), 1u) << "only the posts duplicate outside the suppressed route";
  EXPECT_EQ(found[0].at("request_source").as_string(), "idle_gap");
  EXPECT_TRUE(h.of_kind("unbatched_write").empty());
}

TEST(Suppression, InlineMarkerForOneKindLeavesTheOthers) {
  Harness h;
  for (int i = 0; i < 3; ++i) {
    h.run(Stmt(select_user_by_id(), h.conn).params({"5"}).ignore("duplicate_query"), 100us, 150ms);
  }
  h.settle();
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
  EXPECT_EQ(h.of_kind("slow_query").size(), 1u);
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
