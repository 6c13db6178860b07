// Which fingerprints the analysis thread hands the advisor, from windows
// an Analyzer closes (tests/analyzers' harness: synthetic statements, a
// hand-moved clock).
#include "advisor/candidate_feed.hpp"

#include <gtest/gtest.h>

#include "tests/analyzers/analyzer_harness.hpp"

namespace pgsleuth::advisor {
namespace {

using namespace analyzers::testing;

struct Fed {
  explicit Fed(uint32_t min_total_ms, config::AnalysisSettings s = {}) : h(s) {
    feed = std::make_unique<CandidateFeed>(min_total_ms, [this](Candidate&& c) {
      got.push_back(std::move(c));
      return true;
    });
    h.analyzer->observe_windows([this](const auto& w, const auto& found) { feed->window_closed(w, found); });
  }
  // One request: `n` executions of the comments lookup, `ms` each.
  void loop(int n, int ms) {
    for (const auto& id : numbers(n)) {
      h.run(Stmt(select_comments_by_post(), h.conn).params({id}).sql("SELECT * FROM comments WHERE post_id = $1"),
            100us, std::chrono::milliseconds(ms));
    }
    close();
  }
  // Past the idle gap: the window ends.
  void close() {
    h.advance(std::chrono::seconds(2));
    h.tick();
  }
  Harness h;
  std::unique_ptr<CandidateFeed> feed;
  std::vector<Candidate> got;
};

TEST(CandidateFeed, AnNPlusOnesChildrenCountTogether) {
  Fed fed(50);
  fed.loop(10, 6);  // each one far below 50 ms, 60 ms together
  ASSERT_EQ(fed.got.size(), 1u);
  const Candidate& c = fed.got[0];
  EXPECT_EQ(c.fingerprint, select_comments_by_post()->fingerprint_hex);
  EXPECT_EQ(c.count, 10u);
  EXPECT_NEAR(c.total_ms, 60, 1e-6);
  ASSERT_EQ(c.samples.size(), Candidate::kMaxSamples);
  EXPECT_EQ(c.samples[0].sql, "SELECT * FROM comments WHERE post_id = $1");
  EXPECT_TRUE(c.samples[0].params.has_value());
  EXPECT_EQ(c.samples[0].window.request_source, "idle_gap");
}

TEST(CandidateFeed, TotalsAddUpOverWindowsAndAFingerprintIsHandedOnOnce) {
  Fed fed(50);
  fed.loop(2, 10);
  fed.loop(2, 10);
  EXPECT_TRUE(fed.got.empty());  // 40 ms so far
  fed.loop(2, 10);
  ASSERT_EQ(fed.got.size(), 1u);
  EXPECT_EQ(fed.got[0].count, 6u);
  fed.loop(5, 20);
  EXPECT_EQ(fed.got.size(), 1u);  // not again before kResubmitAfter
  fed.h.advance(CandidateFeed::kResubmitAfter);
  fed.loop(1, 1);
  EXPECT_EQ(fed.got.size(), 2u);  // it kept costing: handed on again (the advisor re-explains on a new size class)
}

TEST(CandidateFeed, SlowQueryIsACandidateAtOnce) {
  config::AnalysisSettings s;
  s.slow_query.threshold_ms = 5;
  Fed fed(10'000, s);
  fed.loop(1, 8);
  EXPECT_EQ(fed.got.size(), 1u);
}

TEST(CandidateFeed, SuppressedWritesAndCutTextsAreNot) {
  config::AnalysisSettings s;
  s.suppress.fingerprints = {select_comments_by_post()->fingerprint_hex};
  Fed suppressed(1, s);
  suppressed.loop(3, 5);
  EXPECT_TRUE(suppressed.got.empty());

  Fed writes(1);
  writes.h.run(Stmt(update_users(), writes.h.conn).params({"1"}), 100us, std::chrono::milliseconds(5));
  writes.close();
  EXPECT_TRUE(writes.got.empty());

  config::AnalysisSettings small;
  small.window.max_sample_sql_bytes = 64;
  Fed cut(1, small);
  cut.h.run(Stmt(select_comments_by_post(), cut.h.conn).params({"1"}).sql("SELECT * FROM comments WHERE post_id = $1" +
                                                                          std::string(100, ' ')),
            100us, std::chrono::milliseconds(5));
  cut.close();
  EXPECT_TRUE(cut.got.empty());  // a cut text cannot be explained
}

}  // namespace
}  // namespace pgsleuth::advisor
