#include "config/host_port.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::config {
namespace {

TEST(HostPort, ParsesHostAndIpv4) {
  HostPort hp = parse_host_port("127.0.0.1:6432");
  EXPECT_EQ(hp.host, "127.0.0.1");
  EXPECT_EQ(hp.port, 6432);
  hp = parse_host_port("db.internal:65535");
  EXPECT_EQ(hp.host, "db.internal");
  EXPECT_EQ(hp.port, 65535);
}

TEST(HostPort, ParsesBracketedIpv6) {
  HostPort hp = parse_host_port("[::1]:5432");
  EXPECT_EQ(hp.host, "::1");
  EXPECT_EQ(hp.port, 5432);
  EXPECT_EQ(parse_host_port("[fe80::1%eth0]:1").host, "fe80::1%eth0");
}

TEST(HostPort, PortZeroOnlyWhenAllowed) {
  EXPECT_THROW(parse_host_port("127.0.0.1:0"), std::invalid_argument);
  EXPECT_EQ(parse_host_port("127.0.0.1:0", true).port, 0);
}

TEST(HostPort, RejectsMalformed) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":5432", "host:65536", "host:-1", "host:12ab",
                          "::1:5432", "[::1]5432", "[::1", "[]:5432", "[abc]:5432", "ho st:5432"}) {
    EXPECT_THROW(parse_host_port(bad), std::invalid_argument) << bad;
  }
}

TEST(HostPort, ErrorSaysWhatIsWrong) {
  try {
    parse_host_port("localhost:70000");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "port must be a number from 1 to 65535");
  }
}

}  // namespace
}  // namespace pgsleuth::config
