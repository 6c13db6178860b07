// The pool of idle server connections, against real loopback sockets (a
// listener standing in for the server): bounds, keys, liveness, lifetime,
// idle timeout and the generation that keeps a cleaning from outliving a
// close_idle.

#include "proxy/upstream_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace pgsleuth::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class PoolTest : public ::testing::Test {
 protected:
  PoolTest() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {}

  // A connected client socket; the accepted "server" end is kept in servers_.
  IdleServer server(const std::string& key, Clock::time_point opened = Clock::now()) {
    tcp::socket client(io_);
    client.connect(acceptor_.local_endpoint());
    servers_.push_back(acceptor_.accept());
    return IdleServer{std::move(client), key, "greeting", opened, {}, nullptr, TlsLevel::Plain};
  }
  // What the server end of the i-th connection has read (a Terminate when
  // the pool let go of it politely), once the pool closed it.
  std::string server_got(size_t i) {
    std::string got;
    char buf[64];
    boost::system::error_code ec;
    for (;;) {
      size_t n = servers_[i].read_some(asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
    }
    return got;
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<tcp::socket> servers_;
};

TEST_F(PoolTest, GivesTheMatchingConnectionOnce) {
  UpstreamPool pool(io_, {});
  pool.put(server("a"), pool.generation());
  pool.put(server("b"), pool.generation());
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_FALSE(pool.take("c"));
  auto b = pool.take("b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->greeting, "greeting");
  EXPECT_FALSE(pool.take("b"));
  EXPECT_EQ(pool.idle(), 1u);
}

// A client that needs an encrypted (or verified) upstream leg never gets
// a plain one parked under the same startup packet.
TEST_F(PoolTest, GivesNoConnectionWeakerThanNeeded) {
  UpstreamPool pool(io_, {});
  pool.put(server("k"), pool.generation());  // plain
  EXPECT_FALSE(pool.take("k", TlsLevel::Encrypted));
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_TRUE(pool.take("k", TlsLevel::Plain));
  IdleServer verified = server("v");
  verified.level = TlsLevel::VerifiedCa;
  pool.put(std::move(verified), pool.generation());
  EXPECT_FALSE(pool.take("v", TlsLevel::VerifiedFull));
  EXPECT_TRUE(pool.take("v", TlsLevel::Encrypted));
}

TEST_F(PoolTest, TheOldestGoesWhenFullWithATerminate) {
  UpstreamPoolOptions o;
  o.max_idle = 2;
  UpstreamPool pool(io_, o);
  for (const char* key : {"first", "second", "third"}) pool.put(server(key), pool.generation());
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_FALSE(pool.take("first"));
  EXPECT_EQ(server_got(0), std::string("X\0\0\0\4", 5));
}

TEST_F(PoolTest, AServerThatSpokeOrClosedWhileIdleIsNotGiven) {
  UpstreamPool pool(io_, {});
  pool.put(server("k"), pool.generation());
  pool.put(server("k"), pool.generation());
  asio::write(servers_[1], asio::buffer(std::string("E...")));  // the newer one spoke
  servers_[0].close();                                          // the older one went away
  EXPECT_FALSE(pool.take("k"));
  EXPECT_EQ(pool.idle(), 0u);
}

TEST_F(PoolTest, NotParkedPastItsLifetimeOrAcrossACloseIdle) {
  UpstreamPoolOptions o;
  o.lifetime = 1h;
  UpstreamPool pool(io_, o);
  pool.put(server("old", Clock::now() - 2h), pool.generation());
  EXPECT_EQ(pool.idle(), 0u);
  uint64_t before = pool.generation();
  pool.close_idle();  // a DROP DATABASE went by while this one was being cleaned
  pool.put(server("k"), before);
  EXPECT_EQ(pool.idle(), 0u);
  pool.put(server("k"), pool.generation());
  EXPECT_EQ(pool.idle(), 1u);
}

TEST_F(PoolTest, IdleOnesAreClosedAfterTheTimeoutEvenWithNoOtherTraffic) {
  UpstreamPoolOptions o;
  o.idle_timeout = 50ms;
  UpstreamPool pool(io_, o);
  pool.put(server("k"), pool.generation());
  pool.close_idle();  // cancels the sweep timer...
  pool.put(server("k"), pool.generation());  // ...which must be armed again
  io_.run_for(500ms);
  EXPECT_EQ(pool.idle(), 0u);
}

TEST_F(PoolTest, AnIdleOneIsClosedOnceItsLoginIsOlderThanTheLifetime) {
  UpstreamPoolOptions o;
  o.lifetime = 1000ms;  // the idle timeout (30 s) is far away
  UpstreamPool pool(io_, o);
  pool.put(server("k", Clock::now() - 900ms), pool.generation());
  pool.put(server("fresh"), pool.generation());
  EXPECT_EQ(pool.idle(), 2u);
  io_.run_for(300ms);
  EXPECT_EQ(pool.idle(), 1u);  // the first login is now 1.2 s old: closed, politely
  EXPECT_EQ(server_got(0), std::string("X\0\0\0\4", 5));
  EXPECT_FALSE(pool.take("k"));
  EXPECT_TRUE(pool.take("fresh"));
}

TEST_F(PoolTest, DisabledOrSizeZeroOrLifetimeZeroOrClosedForGoodParksNothing) {
  UpstreamPoolOptions zero;
  zero.max_idle = 0;
  UpstreamPool none(io_, zero);
  EXPECT_FALSE(none.enabled());
  UpstreamPoolOptions once;
  once.lifetime = 0ms;  // pgbouncer's server_lifetime = 0: each used once
  UpstreamPool used_once(io_, once);
  EXPECT_FALSE(used_once.enabled());
  UpstreamPool pool(io_, {});
  pool.close_idle(true);
  EXPECT_FALSE(pool.enabled());
  pool.put(server("k"), pool.generation());
  EXPECT_EQ(pool.idle(), 0u);
}

}  // namespace
}  // namespace pgsleuth::proxy
