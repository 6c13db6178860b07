#include <gtest/gtest.h>

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

// A backlog far longer than the drain time: stop() returns, and every
// statement is either analysed or counted as dropped, none lost unseen.
TEST(AnalysisThread, ShutdownDrainIsBoundedAndCountsWhatItDrops) {
  constexpr size_t kStatements = 50'000;
  events::SpscRing<events::Event> queue(kStatements);
  auto conn = std::make_shared<events::ConnectionInfo>();
  for (size_t i = 0; i < kStatements; ++i) {
    events::StatementEvent s;
    s.conn = conn;
    // Each its own shape: a fingerprint cache miss, parsed by libpg_query.
    s.sql = events::SqlText("SELECT a FROM t WHERE c" + std::to_string(i) + " = 1");
    ASSERT_TRUE(queue.try_push(events::Event(std::move(s))));
  }
  Discard sink;
  AnalysisThread analysis({&queue}, AnalysisThread::Options{}, sink);
  analysis.start();
  analysis.stop(std::chrono::milliseconds(0));
  const AnalysisMetrics m = analysis.metrics();
  EXPECT_GT(m.dropped_at_shutdown, 0u) << "50,000 parses cannot all have run before stop()";
  EXPECT_EQ(analysed(m) + m.dropped_at_shutdown, kStatements);
}

// With time enough, nothing is dropped.
TEST(AnalysisThread, ShutdownDrainsEverythingWithinItsTime) {
  events::SpscRing<events::Event> queue(16);
  auto conn = std::make_shared<events::ConnectionInfo>();
  for (int i = 0; i < 10; ++i) {
    events::StatementEvent s;
    s.conn = conn;
    s.sql = events::SqlText("SELECT 1");
    ASSERT_TRUE(queue.try_push(events::Event(std::move(s))));
  }
  Discard sink;
  AnalysisThread analysis({&queue}, AnalysisThread::Options{}, sink);
  analysis.start();
  analysis.stop(std::chrono::minutes(10));
  const AnalysisMetrics m = analysis.metrics();
  EXPECT_EQ(m.dropped_at_shutdown, 0u);
  EXPECT_EQ(analysed(m), 10u);
}

}  // namespace
}  // namespace pgsleuth::app
