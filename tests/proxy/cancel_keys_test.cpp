// The clients' cancel keys: a key finds its backend only while its client
// holds it, and only with the secret that client was given.

#include "proxy/cancel_keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace pgsleuth::proxy {
namespace {

TEST(CancelKeys, AKeyFindsItsBackendUntilItsClientLeaves) {
  CancelKeys keys;
  auto ticket = keys.add(100, "client-secret", "cancel backend 100");
  EXPECT_EQ(keys.find(100, "client-secret"), "cancel backend 100");
  EXPECT_EQ(keys.find(100, "client-secreT"), std::nullopt);
  EXPECT_EQ(keys.find(100, "client-secre"), std::nullopt);
  EXPECT_EQ(keys.find(101, "client-secret"), std::nullopt);
  keys.remove(ticket);
  EXPECT_EQ(keys.find(100, "client-secret"), std::nullopt);
  EXPECT_EQ(keys.size(), 0u);
  keys.remove(ticket);  // twice, or a ticket never given: nothing
  keys.remove({});
}

TEST(CancelKeys, TheNextClientOfABackendHasAnotherKey) {
  CancelKeys keys;
  auto first = keys.add(100, "first", "cancel 100");
  keys.remove(first);
  keys.add(100, "second", "cancel 100");
  EXPECT_EQ(keys.find(100, "first"), std::nullopt);  // the departed client's
  EXPECT_EQ(keys.find(100, "second"), "cancel 100");
}

TEST(CancelKeys, OnePidTwiceKeepsBothAndRemovesTheRightOne) {
  // A crashed backend's pid, given again while its session still closes.
  CancelKeys keys;
  auto old_one = keys.add(7, "old", "cancel old");
  auto new_one = keys.add(7, "new", "cancel new");
  EXPECT_EQ(keys.find(7, "old"), "cancel old");
  EXPECT_EQ(keys.find(7, "new"), "cancel new");
  keys.remove(old_one);
  EXPECT_EQ(keys.find(7, "old"), std::nullopt);
  EXPECT_EQ(keys.find(7, "new"), "cancel new");
  keys.remove(new_one);
  EXPECT_EQ(keys.size(), 0u);
}

TEST(CancelKeys, UsableFromManyThreadsAtOnce) {
  CancelKeys keys;
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&keys, t] {
      for (uint32_t i = 0; i < 1000; ++i) {
        std::string secret = std::to_string(t) + ":" + std::to_string(i);
        auto ticket = keys.add(i, secret, secret);
        EXPECT_EQ(keys.find(i, secret), secret);
        keys.remove(ticket);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(keys.size(), 0u);
}

TEST(CancelKeys, SecretsAreRandomAndFillEveryByte) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string secret(32, '\0');
    CancelKeys::random_secret(secret.data(), secret.size());
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 100u);
  // 256 random bytes are all zero with probability 2^-2048.
  std::string big(256, '\0');
  CancelKeys::random_secret(big.data(), big.size());
  EXPECT_NE(big, std::string(256, '\0'));
}

}  // namespace
}  // namespace pgsleuth::proxy
