// N+1s spread over a connection pool: the parent's rows on one connection,
// its children at once on several others, each window seeing only a few.

#include <gtest/gtest.h>

#include "analyzer_harness.hpp"
#include "analyzers/fan_out_detector.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

// Parent on connection 1 returns post ids 1..n; the children run at once,
// `per_connection` to a connection, on connections 2, 3, ...
void run_fan_out(Harness& h, int n, int per_connection, std::string child_addr = "10.0.0.7",
                 std::chrono::milliseconds after_parent = 1ms) {
  const auto parent_start = h.now;
  h.analyzer->on_statement(Stmt(select_posts(), h.conn).params({"42"}).returns(n, numbers(n)).at(parent_start, 500us));
  const auto children_start = parent_start + 500us + after_parent;
  std::vector<events::ConnectionInfoPtr> conns;
  for (int i = 0; i < n; ++i) {
    if (i % per_connection == 0) conns.push_back(make_conn(2 + conns.size(), child_addr));
    const auto started = children_start + std::chrono::microseconds(300 * (i % per_connection) + 10 * i);
    h.analyzer->on_statement(
        Stmt(select_comments_by_post(), conns.back()).params({std::to_string(i + 1)}).returns(2).at(started, 250us));
  }
  h.now = children_start + 50ms;
}

// The parent on h.conn returns 1..10; lookup i runs on conn_of(i), 300 us
// after the one before.
template <class ConnOf>
void run_ten_lookups(Harness& h, const ConnOf& conn_of) {
  const auto parent_start = h.now;
  h.analyzer->on_statement(Stmt(select_posts(), h.conn).params({"42"}).returns(10, numbers(10)).at(parent_start, 500us));
  for (int i = 0; i < 10; ++i) {
    const auto started = parent_start + 1ms + std::chrono::microseconds(300 * i);
    h.analyzer->on_statement(
        Stmt(select_comments_by_post(), conn_of(i)).params({std::to_string(i + 1)}).returns(2).at(started, 250us));
  }
  h.now = parent_start + 50ms;
}

// Every window ends, then the fan-outs settle.
void settle(Harness& h) {
  h.settle();
  h.advance(FanOutDetector::kSettle);
  h.tick();
}

TEST(FanOut, ChildrenOnSeveralConnectionsAreOneNPlusOneWithTheirParent) {
  Harness h;
  run_fan_out(h, 10, 2);
  settle(h);
  const auto found = h.of_kind("n_plus_one");
  ASSERT_EQ(found.size(), 1u) << "one finding for the whole fan-out";
  const auto& f = found[0];
  EXPECT_EQ(f.at("count").as_int64(), 10);
  EXPECT_EQ(f.at("distinct_params").as_int64(), 10);
  EXPECT_EQ(f.at("fingerprint").as_string(), select_comments_by_post()->fingerprint_hex);
  ASSERT_TRUE(f.at("parent").is_object());
  EXPECT_EQ(f.at("parent").at("fingerprint").as_string(), select_posts()->fingerprint_hex);
  ASSERT_TRUE(f.contains("connections"));
  boost::json::array expected{2, 3, 4, 5, 6};
  EXPECT_EQ(f.at("connections").as_array(), expected);
  // The request is the parent's: the window of connection 1.
  const auto summaries = h.of_kind("request_summary");
  const auto parent_window = std::find_if(summaries.begin(), summaries.end(), [](const auto& s) {
    return s.at("connection_id").as_int64() == 1;
  });
  ASSERT_NE(parent_window, summaries.end());
  EXPECT_EQ(f.at("request_id"), parent_window->at("request_id"));
  const std::string message(f.at("message").as_string());
  EXPECT_NE(message.find("across 5 pooled connections"), std::string::npos) << message;
}

// A pool that hands most lookups to one connection (asyncpg's pool is LIFO):
// that connection's window holds enough for an N+1 of its own, with no
// parent in it; the finding is still the one fan-out, with its parent.
TEST(FanOut, AConnectionThatRanMostOfThemDoesNotReportItsShareAlone) {
  Harness h;
  auto busy = make_conn(2);
  auto other = make_conn(3);
  run_ten_lookups(h, [&](int i) { return i < 7 ? busy : other; });
  settle(h);
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("count").as_int64(), 10);
  EXPECT_TRUE(found.at("parent").is_object());
  EXPECT_EQ(found.at("connections").as_array(), (boost::json::array{2, 3}));
}

// node-postgres hands the first lookups to the connection the parent just
// left: its window holds the parent and an N+1 of its own, which is part
// of the fan-out, not a second finding.
TEST(FanOut, TheParentsOwnConnectionsLookupsCountToo) {
  Harness h;
  auto other = make_conn(2);
  run_ten_lookups(h, [&](int i) { return i < 6 ? h.conn : other; });
  settle(h);
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("count").as_int64(), 10);
  EXPECT_EQ(found.at("connections").as_array(), (boost::json::array{1, 2}));
}

// The parent's window's own N+1, held while another connection's window
// may still join, says what the window said: here that it was cut short.
TEST(FanOut, AHeldNPlusOneKeepsItsWindowsTruncation) {
  config::AnalysisSettings settings;
  settings.window.max_statements = 8;  // the parent and 7 lookups tracked, the rest counted only
  Harness h(settings);
  auto late = make_conn(2);
  h.analyzer->on_statement(Stmt(select_user_by_id(), late).params({"1"}).at(h.now, 200us));  // opens its window
  h.now += 1ms;
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(10, numbers(10)));
  h.run_per_id(select_comments_by_post(), 10);
  // Connection 1's window ends first; connection 2's is still open then.
  h.advance(std::chrono::milliseconds(h.settings.window.idle_gap_ms) + 1ms);
  h.analyzer->on_statement(Stmt(select_user_by_id(), late).params({"2"}).at(h.now, 200us));
  h.tick();
  settle(h);
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("connection_id").as_int64(), 1);
  EXPECT_TRUE(found.at("truncated").as_bool());
  EXPECT_FALSE(found.contains("connections"));
}

// Without lookups elsewhere, the parent's window's own N+1 is written as
// it always was.
TEST(FanOut, AnOrdinaryNPlusOneIsUnchanged) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(8, numbers(8)));
  h.run_per_id(select_comments_by_post(), 8);
  h.settle();
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("count").as_int64(), 8);
  EXPECT_FALSE(found.contains("connections"));
  EXPECT_EQ(found.at("request_source").as_string(), "idle_gap");
  EXPECT_NE(std::string(found.at("message").as_string()).find("a classic N+1"), std::string::npos);
}

// All of them on one other connection, in one window: that window's N+1,
// and now with the parent that fed it.
TEST(FanOut, LookupsInOneWindowOfAnotherConnectionGetTheirParent) {
  Harness h;
  run_fan_out(h, 8, 8);
  settle(h);
  const auto found = h.only("n_plus_one");
  EXPECT_EQ(found.at("count").as_int64(), 8);
  ASSERT_TRUE(found.at("parent").is_object());
  EXPECT_EQ(found.at("parent").at("fingerprint").as_string(), select_posts()->fingerprint_hex);
  EXPECT_EQ(found.at("connections").as_array(), (boost::json::array{2}));
}

TEST(FanOut, ALocalNPlusOneHasNoConnectionsField) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(6, numbers(6)));
  h.run_per_id(select_comments_by_post(), 6);
  settle(h);
  const auto found = h.only("n_plus_one");
  EXPECT_FALSE(found.contains("connections"));
}

TEST(FanOut, TooFewChildrenAreNothing) {
  Harness h;
  run_fan_out(h, 4, 1);  // min_repeats is 5
  settle(h);
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

TEST(FanOut, AnotherClientsLookupsAreNotItsChildren) {
  Harness h;
  run_fan_out(h, 10, 2, "10.0.0.99");
  settle(h);
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

TEST(FanOut, LookupsLongAfterTheParentAreNotItsChildren) {
  Harness h;
  run_fan_out(h, 10, 2, "10.0.0.7", 3s);
  settle(h);
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

// Separate requests on one connection (each its own window) stay separate,
// even when their values were a recent result's cells.
TEST(FanOut, ChildrenAllOnOneConnectionAreNotMerged) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"42"}).returns(8, numbers(8)));
  auto other = make_conn(2);
  for (const auto& id : numbers(8)) {
    h.analyzer->on_statement(Stmt(select_comments_by_post(), other).params({id}).at(h.now, 200us));
    h.now += 110ms;  // past idle_gap_ms: a window each
    h.tick();
  }
  settle(h);
  EXPECT_TRUE(h.of_kind("n_plus_one").empty());
}

TEST(FanOut, AtShutdownAFanOutIsDecidedAtOnce) {
  Harness h;
  run_fan_out(h, 10, 2);
  h.analyzer->close_all(h.now);
  EXPECT_EQ(h.of_kind("n_plus_one").size(), 1u);
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
