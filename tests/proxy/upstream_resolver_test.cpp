// The upstream's addresses per thread: looked up again once stale, kept
// when a lookup fails, never looked up for an IP literal.

#include "proxy/upstream_resolver.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::proxy {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

const tcp::endpoint kStartUp(asio::ip::make_address("192.0.2.7"), 5432);

// Runs the io_context until `done` was called; returns what it got.
UpstreamResolver::Endpoints ask(asio::io_context& io, UpstreamResolver& r, const Upstream& u) {
  UpstreamResolver::Endpoints got;
  bool called = false;
  r.endpoints(u, [&](const UpstreamResolver::Endpoints& eps) {
    got = eps;
    called = true;
  });
  io.restart();
  for (int i = 0; i < 500 && !called; ++i) io.run_for(20ms);
  EXPECT_TRUE(called);
  return got;
}

TEST(UpstreamResolver, LooksTheNameUpAgainOnceStale) {
  asio::io_context io;
  UpstreamResolver r(io, 0ms);
  Upstream u{"localhost", 5432, {kStartUp}};
  for (int i = 0; i < 2; ++i) {
    auto eps = ask(io, r, u);
    ASSERT_FALSE(eps.empty());
    EXPECT_TRUE(eps.front().address().is_loopback()) << eps.front().address().to_string();
    EXPECT_EQ(eps.front().port(), 5432);
  }
}

TEST(UpstreamResolver, AFailedLookupKeepsTheLastAddresses) {
  asio::io_context io;
  UpstreamResolver r(io, 0ms);
  Upstream u{"no-such-host.invalid", 5432, {kStartUp}};
  EXPECT_EQ(ask(io, r, u), UpstreamResolver::Endpoints{kStartUp});
}

TEST(UpstreamResolver, AnIpLiteralIsNotLookedUp) {
  asio::io_context io;
  UpstreamResolver r(io, 0ms);
  Upstream u{"192.0.2.7", 5432, {kStartUp}};
  bool at_once = false;
  r.endpoints(u, [&](const UpstreamResolver::Endpoints& eps) { at_once = eps == UpstreamResolver::Endpoints{kStartUp}; });
  EXPECT_TRUE(at_once);
}

}  // namespace
}  // namespace pgsleuth::proxy
