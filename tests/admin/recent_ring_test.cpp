#include "admin/recent_ring.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace pgsleuth::admin {
namespace {

boost::json::object item(int n) { return {{"n", n}}; }

TEST(RecentRing, NewestFirstAndBounded) {
  RecentRing ring(3);
  EXPECT_TRUE(ring.newest_first().empty());
  ring.push(item(1));
  ring.push(item(2));
  EXPECT_EQ(ring.newest_first(), (boost::json::array{item(2), item(1)}));
  ring.push(item(3));
  ring.push(item(4));
  ring.push(item(5));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.newest_first(), (boost::json::array{item(5), item(4), item(3)}));
}

TEST(RecentRing, LargestFirstForRequests) {
  RecentRing ring(5);
  ring.push({{"request_id", "a"}, {"count", 3}});
  ring.push({{"request_id", "b"}, {"count", 40}});
  ring.push({{"request_id", "c"}});
  ring.push({{"request_id", "d"}, {"count", 3}});
  const boost::json::array a = ring.largest_first("count");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].at("request_id").as_string(), "b");
  EXPECT_EQ(a[1].at("request_id").as_string(), "d");  // newest first among equals
  EXPECT_EQ(a[2].at("request_id").as_string(), "a");
  EXPECT_EQ(a[3].at("request_id").as_string(), "c");
}

TEST(RecentRing, ZeroCapacityKeepsOne) {
  RecentRing ring(0);
  ring.push(item(1));
  ring.push(item(2));
  EXPECT_EQ(ring.newest_first(), boost::json::array{item(2)});
}

TEST(RecentRing, ConcurrentPushAndRead) {
  RecentRing ring(64);
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) ring.push(item(i));
  });
  size_t reads = 0;
  while (ring.size() < 64 || reads < 100) {
    const boost::json::array a = ring.newest_first();
    // Newest first: each entry is older (smaller) than the one before it.
    for (size_t i = 1; i < a.size(); ++i) {
      ASSERT_LT(a[i].at("n").as_int64(), a[i - 1].at("n").as_int64());
    }
    ++reads;
  }
  writer.join();
  EXPECT_EQ(ring.newest_first().front().at("n").as_int64(), 19999);
}

}  // namespace
}  // namespace pgsleuth::admin
