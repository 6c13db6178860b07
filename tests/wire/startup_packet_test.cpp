#include "proxy/wire/startup_packet.hpp"

#include <gtest/gtest.h>

#include "proxy/wire/error_response.hpp"
#include "proxy/wire/messages.hpp"
#include "tests/wire/wire_builders.hpp"

namespace pgsleuth::wire {
namespace {

using namespace pgsleuth::testing;

std::string packet(uint32_t code, const std::string& rest) {
  return be32(static_cast<uint32_t>(8 + rest.size())) + be32(code) + rest;
}

TEST(StartupPacket, StartupMessageParameters) {
  auto p = parse_startup_packet(packet(196608, cstr("user") + cstr("alice") + cstr("database") + cstr("shop") +
                                                   cstr("application_name") + cstr("web") + std::string(1, '\0')));
  auto* m = std::get_if<StartupMessage>(&p);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->major, 3);
  EXPECT_EQ(m->minor, 0);
  EXPECT_EQ(m->get("user"), "alice");
  EXPECT_EQ(m->get("database"), "shop");
  EXPECT_EQ(m->get("application_name"), "web");
  EXPECT_EQ(m->get("missing"), "");
}

TEST(StartupPacket, Protocol32PassesThrough) {
  auto p = parse_startup_packet(packet((3 << 16) | 2, cstr("user") + cstr("u") + std::string(1, '\0')));
  auto* m = std::get_if<StartupMessage>(&p);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->minor, 2);
}

TEST(StartupPacket, EncryptionRequests) {
  EXPECT_TRUE(std::holds_alternative<SslRequest>(parse_startup_packet(packet(kSslRequestCode, ""))));
  EXPECT_TRUE(std::holds_alternative<GssEncRequest>(parse_startup_packet(packet(kGssEncRequestCode, ""))));
  EXPECT_TRUE(std::holds_alternative<StartupError>(parse_startup_packet(packet(kSslRequestCode, "x"))));
}

TEST(StartupPacket, CancelKeysAreOpaqueFrom4To256Bytes) {
  for (size_t n : {size_t{4}, size_t{32}, size_t{256}}) {
    auto p = parse_startup_packet(packet(kCancelRequestCode, be32(1234) + std::string(n, 'k')));
    auto* c = std::get_if<CancelRequest>(&p);
    ASSERT_NE(c, nullptr) << n;
    EXPECT_EQ(c->backend_pid, 1234u);
    EXPECT_EQ(c->key.size(), n);
  }
  for (size_t n : {size_t{0}, size_t{3}, size_t{257}}) {
    auto p = parse_startup_packet(packet(kCancelRequestCode, be32(1234) + std::string(n, 'k')));
    EXPECT_TRUE(std::holds_alternative<StartupError>(p)) << n;
  }
}

TEST(StartupPacket, MalformedPacketsAreErrors) {
  EXPECT_TRUE(std::holds_alternative<StartupError>(parse_startup_packet(packet(196608, cstr("user")))));
  EXPECT_TRUE(std::holds_alternative<StartupError>(parse_startup_packet(packet(196608, "user"))));
  EXPECT_TRUE(std::holds_alternative<StartupError>(parse_startup_packet(packet(131072, std::string(1, '\0')))));
  EXPECT_TRUE(std::holds_alternative<StartupError>(parse_startup_packet(be32(100) + be32(196608))));
}

TEST(StartupPacket, LengthBounds) {
  EXPECT_EQ(startup_packet_length(be32(8)), 8u);
  EXPECT_EQ(startup_packet_length(be32(10000)), 10000u);
  EXPECT_EQ(startup_packet_length(be32(7)), 0u);
  EXPECT_EQ(startup_packet_length(be32(10001)), 0u);
  EXPECT_EQ(startup_packet_length(be32(0x80000000u)), 0u);
}

TEST(StartupPacket, TlsClientHelloIsRecognised) {
  EXPECT_TRUE(looks_like_tls_client_hello(std::string("\x16\x03\x01\x02", 4)));
  EXPECT_FALSE(looks_like_tls_client_hello(be32(8)));
}

TEST(ErrorResponse, RoundTripsThroughTheParser) {
  std::string e = make_error_response("FATAL", "08006", "could not connect");
  ASSERT_EQ(e[0], 'E');
  EXPECT_EQ(parse_error_sqlstate(std::string_view(e).substr(5)), "08006");
  EXPECT_NE(e.find("could not connect"), std::string::npos);
}

TEST(Messages, BindWithBinaryAndNullParameters) {
  std::string b = bind("p", "s", {"abc", std::nullopt}, true);
  auto m = parse_bind(std::string_view(b).substr(5), false, 64);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->portal, "p");
  EXPECT_EQ(m->statement, "s");
  ASSERT_EQ(m->params.size(), 2u);
  EXPECT_TRUE(m->params[0].binary);
  EXPECT_EQ(m->params[0].value, "abc");
  EXPECT_TRUE(m->params[1].is_null);
}

TEST(Messages, TruncatedBindKeepsWhatArrived) {
  std::string b = bind("", "", {"first", std::string(100, 'x')});
  std::string_view body = std::string_view(b).substr(5, 30);
  auto m = parse_bind(body, true, 64);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->params.size(), 2u);
  EXPECT_EQ(m->params[0].value, "first");
  EXPECT_EQ(m->params[1].full_length, 100u);
  EXPECT_LT(m->params[1].value.size(), 100u);
}

TEST(Messages, NegativeCountsAreRejected) {
  std::string body = cstr("") + cstr("") + be16(0xffff);
  EXPECT_FALSE(parse_bind(body, false, 64));
}

}  // namespace
}  // namespace pgsleuth::wire
