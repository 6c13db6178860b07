// The fleet store's buffer on its own, no database: what the analysis
// thread hands over comes out in order, at most `capacity` wait, and every
// line pushed out of a full buffer is counted.
#include "sinks/store_buffer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace pgsleuth::sinks {
namespace {

using std::chrono::milliseconds;

std::vector<std::string> texts(const std::vector<StoreLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.json);
  return out;
}

TEST(StoreBuffer, BatchesComeOutOldestFirstWithConsecutiveSequenceNumbers) {
  StoreBuffer buffer(10);
  for (int i = 1; i <= 5; ++i) buffer.push("line " + std::to_string(i));
  const auto first = buffer.take(3, milliseconds(0));
  const auto rest = buffer.take(10, milliseconds(0));
  EXPECT_EQ(texts(first), (std::vector<std::string>{"line 1", "line 2", "line 3"}));
  EXPECT_EQ(texts(rest), (std::vector<std::string>{"line 4", "line 5"}));
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].seq, i + 1);
  EXPECT_EQ(rest.front().seq, 4u);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.pushed(), 5u);
  EXPECT_EQ(buffer.dropped(), 0u);
}

TEST(StoreBuffer, AFullBufferDropsTheOldestAndCountsEachDrop) {
  StoreBuffer buffer(3);
  for (int i = 1; i <= 8; ++i) buffer.push(std::to_string(i));
  EXPECT_EQ(buffer.size(), 3u);
  EXPECT_EQ(buffer.dropped(), 5u);
  const auto kept = buffer.take(10, milliseconds(0));
  EXPECT_EQ(texts(kept), (std::vector<std::string>{"6", "7", "8"}));
  // Sequence numbers keep counting pushes: the gap is exactly the drops.
  EXPECT_EQ(kept.front().seq, 6u);
  EXPECT_EQ(buffer.pushed() - kept.size(), buffer.dropped());
}

TEST(StoreBuffer, LinesTakenForWritingAreNoLongerTheBuffersToDrop) {
  // The writer's batch is out of the buffer: a full buffer afterwards drops
  // among the newer lines, and the batch is never counted twice.
  StoreBuffer buffer(2);
  buffer.push("a");
  buffer.push("b");
  const auto batch = buffer.take(2, milliseconds(0));
  for (const char* s : {"c", "d", "e"}) buffer.push(s);
  EXPECT_EQ(texts(batch), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(buffer.waiting(), 4u);  // the batch still waits until done
  EXPECT_EQ(texts(buffer.take(10, milliseconds(0))), (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(buffer.dropped(), 1u);
  buffer.done(batch.size());
  EXPECT_EQ(buffer.waiting(), 2u);
}

TEST(StoreBuffer, TakeReturnsEmptyAfterItsWaitAndAtOnceOnWake) {
  StoreBuffer buffer(4);
  EXPECT_TRUE(buffer.take(4, milliseconds(1)).empty());
  std::thread waker([&] { buffer.wake(); });
  // An hour's wait ends with the wake: the test would hang otherwise.
  EXPECT_TRUE(buffer.take(4, std::chrono::hours(1)).empty());
  waker.join();
}

TEST(StoreBuffer, APushWakesAWaitingTake) {
  StoreBuffer buffer(4);
  std::thread producer([&] { buffer.push("x"); });
  std::vector<StoreLine> got;
  while (got.empty()) got = buffer.take(4, std::chrono::hours(1));
  producer.join();
  EXPECT_EQ(texts(got), (std::vector<std::string>{"x"}));
}

TEST(StoreBuffer, ManyPushesFromOneThreadWhileAnotherTakesLoseNothingUnbounded) {
  constexpr int kLines = 20000;
  StoreBuffer buffer(kLines);
  std::thread producer([&] {
    for (int i = 0; i < kLines; ++i) buffer.push(std::to_string(i));
  });
  std::vector<StoreLine> all;
  while (all.size() < static_cast<size_t>(kLines)) {
    auto batch = buffer.take(500, milliseconds(100));
    all.insert(all.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
  }
  producer.join();
  for (int i = 0; i < kLines; ++i) {
    ASSERT_EQ(all[i].json, std::to_string(i));
    ASSERT_EQ(all[i].seq, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(buffer.dropped(), 0u);
}

}  // namespace
}  // namespace pgsleuth::sinks
