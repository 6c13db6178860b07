#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

TEST(Windows, TraceparentSpansConnections) {
  Harness h;
  const auto other = make_conn(2);
  int i = 0;
  for (const auto& id : numbers(6)) {
    const auto& conn = (i++ % 2 == 0) ? h.conn : other;
    h.run(Stmt(select_comments_by_post(), conn).params({id}).trace("4bf92f3577b34da6a3ce929d0e0e4736",
                                                                   "posts#show"),
          50ms);  // longer than idle_gap_ms, shorter than traceparent_idle_ms
  }
  h.tick();
  EXPECT_TRUE(h.sink.lines.empty()) << "the trace is still active";
  h.advance(1001ms);
  h.tick();
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("request_id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(found.at("request_source").as_string(), "traceparent");
  EXPECT_EQ(found.at("route").as_string(), "posts#show");
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("count").as_int64(), 6);
}

TEST(Windows, TransactionIsOneWindowEndingAtCommit) {
  Harness h;
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  for (const auto& id : numbers(5)) {
    h.run(Stmt(select_comments_by_post(), h.conn).params({id}).tx('T', 'T'), 300ms);
  }
  h.run(Stmt(commit_shape(), h.conn).tx('T', 'I'));
  // Ended by COMMIT: no tick needed, and long gaps inside the block did not split it.
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("request_source").as_string(), "transaction");
  EXPECT_EQ(summaries.at("count").as_int64(), 7);
  EXPECT_EQ(summaries.at("request_id").as_string().subview().find("1-tx-"), 0u);
  EXPECT_EQ(h.of_kind("n_plus_one").size(), 1u);
}

TEST(Windows, ImplicitDriverTransactionAndErrorStateStayOneWindow) {
  Harness h;
  // psycopg2: BEGIN sent by the driver, then a failing statement ('E'), then ROLLBACK.
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}).tx('T', 'E').failed());
  h.run(Stmt(make_shape({StatementKind::TransactionControl, "ROLLBACK"}), h.conn).tx('E', 'I'));
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("count").as_int64(), 3);
}

TEST(Windows, IdleGapWindowIsClosedByTickWithoutANewStatement) {
  Harness h;
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}));
  h.run(Stmt(select_user_by_id(), h.conn).params({"2"}));
  h.advance(50ms);
  h.tick();
  EXPECT_TRUE(h.sink.lines.empty());
  h.advance(60ms);
  h.tick();
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("request_source").as_string(), "idle_gap");
  EXPECT_EQ(summaries.at("count").as_int64(), 2);
}

TEST(Windows, TicksDuringABusyWindowDoNotEndIt) {
  Harness h;
  // The window begins with another statement: a slow loop of its first
  // statement would be requests back to back (request_boundary_test.cpp).
  h.run(Stmt(select_posts(), h.conn).params({"1"}), 60ms);
  for (int i = 0; i < 9; ++i) {
    h.run(Stmt(select_user_by_id(), h.conn).params({std::to_string(i)}), 60ms);
    h.tick();
  }
  EXPECT_TRUE(h.sink.lines.empty());
  h.settle();
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("count").as_int64(), 10);
}

TEST(Windows, StatementWithoutShapeStillCounts) {
  Harness h;
  AnalyzedStatement bare = Stmt(select_user_by_id(), h.conn).at(h.now);
  bare.shape.reset();
  h.analyzer->on_statement(std::move(bare));
  h.settle();
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("count").as_int64(), 1);
  EXPECT_FALSE(summaries.at("truncated").as_bool());
}

TEST(Windows, IdleGapSplitsRequestsOnOneConnection) {
  Harness h;
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}), 150ms);
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}));
  h.settle();
  const auto summaries = h.of_kind("request_summary");
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_NE(summaries[0].at("request_id"), summaries[1].at("request_id"));
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
}

TEST(Windows, ConnectionCloseEndsItsWindows) {
  Harness h;
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  h.run(Stmt(select_user_by_id(), h.conn).params({"1"}).tx('T', 'T'));
  const auto other = make_conn(2);
  h.run(Stmt(select_user_by_id(), other).params({"1"}));
  h.analyzer->on_connection_closed(h.conn, h.now);
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("connection_id").as_int64(), 1);
  EXPECT_EQ(h.analyzer->stats().windows_open, 1u);
}

TEST(Windows, CloseAllEndsEveryWindowAtShutdown) {
  Harness h;
  h.run(Stmt(begin_shape(), h.conn).tx('I', 'T'));
  h.run(Stmt(select_user_by_id(), make_conn(2)).params({"1"}).trace("abc"));
  h.run(Stmt(select_user_by_id(), make_conn(3)).params({"1"}));
  EXPECT_EQ(h.analyzer->stats().windows_open, 3u);
  h.analyzer->close_all(h.now);
  EXPECT_EQ(h.of_kind("request_summary").size(), 3u);
  EXPECT_EQ(h.analyzer->stats().windows_open, 0u);
}

TEST(Windows, ReloadAppliesToWindowsOpenedAfterIt) {
  Harness h;
  // Window A opens under min_repeats = 5 ...
  h.run_per_id(select_comments_by_post(), 3);
  config::AnalysisSettings lower;
  lower.n_plus_one.min_repeats = 3;
  h.analyzer->reload(lower);
  // ... and keeps it; window B on another connection opens under the new one.
  h.run_per_id(select_comments_by_post(), 3, make_conn(2));
  h.settle();
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("connection_id").as_int64(), 2);
}

TEST(Windows, MaxOpenWindowsClosesTheOldestEarly) {
  config::AnalysisSettings s;
  s.window.max_open_windows = 2;
  Harness h(s);
  for (uint64_t c = 1; c <= 3; ++c) h.run(Stmt(select_user_by_id(), make_conn(c)).params({"1"}));
  EXPECT_EQ(h.analyzer->stats().windows_open, 2u);
  const auto summaries = h.only("request_summary");
  EXPECT_EQ(summaries.at("connection_id").as_int64(), 1);
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
