// The only lock-free code: the ring between each I/O thread and analysis.
#include "events/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace pgsleuth::events {
namespace {

TEST(SpscRing, CapacityIsAPowerOfTwoAtLeastTwo) {
  EXPECT_EQ(SpscRing<int>(0).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(2).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(3).capacity(), 4u);
  EXPECT_EQ(SpscRing<int>(1000).capacity(), 1024u);
}

TEST(SpscRing, FullRefusesAndLeavesTheValueUntouched) {
  SpscRing<std::unique_ptr<int>> ring(4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(ring.try_push(std::make_unique<int>(i)));
  auto extra = std::make_unique<int>(99);
  EXPECT_FALSE(ring.try_push(std::move(extra)));
  ASSERT_NE(extra, nullptr) << "a refused push must not move from the value";
  EXPECT_EQ(*extra, 99);
  std::unique_ptr<int> out;
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(*out, 0);
  EXPECT_TRUE(ring.try_push(std::move(extra)));  // room again
}

TEST(SpscRing, EmptyPopsNothingAndOrderIsFifoAcrossWrapAround) {
  SpscRing<std::string> ring(4);
  std::string out = "unchanged";
  EXPECT_FALSE(ring.try_pop(out));
  EXPECT_EQ(out, "unchanged");
  int next_in = 0;
  int next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(ring.try_push(std::to_string(next_in++)));
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(ring.try_pop(out));
      EXPECT_EQ(out, std::to_string(next_out++));
    }
  }
  EXPECT_FALSE(ring.try_pop(out));
}

// One producer, one consumer, a small ring so it is often full and often
// empty: everything accepted arrives once, in order; nothing else arrives.
TEST(SpscRing, ProducerAndConsumerThreadsLoseNothingAccepted) {
  SpscRing<uint64_t> ring(8);
  constexpr uint64_t kItems = 200000;
  std::atomic<bool> done{false};
  std::vector<uint64_t> accepted;
  accepted.reserve(kItems);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      if (ring.try_push(uint64_t{i})) accepted.push_back(i);
    }
    done.store(true, std::memory_order_release);
  });
  std::vector<uint64_t> received;
  received.reserve(kItems);
  for (;;) {
    uint64_t v = 0;
    if (ring.try_pop(v)) {
      received.push_back(v);
    } else if (done.load(std::memory_order_acquire)) {
      while (ring.try_pop(v)) received.push_back(v);
      break;
    }
  }
  producer.join();
  EXPECT_EQ(received, accepted);
  EXPECT_GT(accepted.size(), 0u);
}

}  // namespace
}  // namespace pgsleuth::events
