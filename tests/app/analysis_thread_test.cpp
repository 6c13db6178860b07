#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/analysis_thread.hpp"

namespace pgsleuth::app {
namespace {

struct Discard : findings::FindingSink {
  void emit(const findings::Finding&) override {}
  void emit(const findings::RequestSummary&) override {}
};

uint64_t analysed(const AnalysisMetrics& m) {
  uint64_t n = 0;
  for (const auto& [kind, count] : m.statements_by_kind) n += count;
  return n;
}

// Queues `n` statements of one connection, the i-th's text `sql_of(i)`;
// false when the queue is full first.
bool queue_statements(events::SpscRing<events::Event>& queue, size_t n,
                      const std::function<std::string(size_t)>& sql_of) {
  auto conn = std::make_shared<events::ConnectionInfo>();
  for (size_t i = 0; i < n; ++i) {
    events::StatementEvent s;
    s.conn = conn;
    s.sql = events::SqlText(sql_of(i));
    if (!queue.try_push(events::Event(std::move(s)))) return false;
  }
  return true;
}

// An analysis thread over `queue`, stopped as soon as it has started.
AnalysisMetrics start_and_stop(events::SpscRing<events::Event>& queue, std::chrono::milliseconds drain_time) {
  Discard sink;
  AnalysisThread analysis({&queue}, AnalysisThread::Options{}, sink);
  analysis.start();
  analysis.stop(drain_time);
  return analysis.metrics();
}

// A backlog far longer than the drain time: stop() returns, and every
// statement is either analysed or counted as dropped, none lost unseen.
TEST(AnalysisThread, ShutdownDrainIsBoundedAndCountsWhatItDrops) {
  constexpr size_t kStatements = 50'000;
  events::SpscRing<events::Event> queue(kStatements);
  // Each its own shape: a fingerprint cache miss, parsed by libpg_query.
  ASSERT_TRUE(queue_statements(queue, kStatements,
                               [](size_t i) { return "SELECT a FROM t WHERE c" + std::to_string(i) + " = 1"; }));
  const AnalysisMetrics m = start_and_stop(queue, std::chrono::milliseconds(0));
  EXPECT_GT(m.dropped_at_shutdown, 0u) << "50,000 parses cannot all have run before stop()";
  EXPECT_EQ(analysed(m) + m.dropped_at_shutdown, kStatements);
}

// With time enough, nothing is dropped.
TEST(AnalysisThread, ShutdownDrainsEverythingWithinItsTime) {
  events::SpscRing<events::Event> queue(16);
  ASSERT_TRUE(queue_statements(queue, 10, [](size_t) { return std::string("SELECT 1"); }));
  const AnalysisMetrics m = start_and_stop(queue, std::chrono::minutes(10));
  EXPECT_EQ(m.dropped_at_shutdown, 0u);
  EXPECT_EQ(analysed(m), 10u);
}

}  // namespace
}  // namespace pgsleuth::app
