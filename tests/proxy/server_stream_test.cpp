// What the proxy looks at in the server's bytes before forwarding them:
// framing a broken server gets wrong, and BackendKeyData's secret given to
// the client in place of the backend's. Also the one break that needs the
// protocol's state (rows nobody described), seen by the observer.

#include "proxy/server_stream.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proxy/connection_observer.hpp"
#include "tests/wire/wire_builders.hpp"

namespace pgsleuth::proxy {
namespace {

using namespace pgsleuth::testing;

std::string row_description() {
  return msg('T', be16(1) + cstr("x") + be32(0) + be16(0) + be32(23) + be16(4) + be32(0xffffffff) + be16(0));
}
const std::string kKeyData = be32(4242) + be32(0xdeadbeef);
const std::string kLogin = msg('R', be32(0)) + msg('S', cstr("TimeZone") + cstr("UTC")) + msg('K', kKeyData) + ready('I');
const std::string kAnswer = row_description() + data_row({"1"}) + command_complete("SELECT 1") + ready('I');

// Passes `bytes` in pieces of `piece` bytes; returns what may be forwarded.
std::string pass_in_pieces(ServerStream& s, std::string bytes, size_t piece) {
  std::string out;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    std::string part = bytes.substr(at, piece);
    out += part.substr(0, s.pass(part.data(), part.size()));
    if (s.broken()) break;
  }
  return out;
}

void fill_with_ab(char* out, size_t n) { std::fill_n(out, n, '\xab'); }

TEST(ServerStream, AWellFormedStreamPassesWholeSplitAnywhere) {
  for (size_t piece = 1; piece <= kAnswer.size(); ++piece) {
    ServerStream s;
    EXPECT_EQ(pass_in_pieces(s, kLogin + kAnswer, piece), kLogin + kAnswer) << piece;
    EXPECT_FALSE(s.broken());
    EXPECT_TRUE(s.at_message_boundary());
  }
  ServerStream s;
  std::string half = kAnswer.substr(0, 7);
  s.pass(half.data(), half.size());
  EXPECT_FALSE(s.at_message_boundary());
}

TEST(ServerStream, TheClientGetsItsOwnSecretWithTheBackendsPid) {
  for (size_t piece = 1; piece <= kLogin.size(); ++piece) {
    ServerStream s(fill_with_ab);
    std::string out = pass_in_pieces(s, kLogin, piece);
    std::string expected = kLogin;
    expected.replace(expected.find(kKeyData) + 4, 4, "\xab\xab\xab\xab");
    EXPECT_EQ(out, expected) << piece;
    EXPECT_EQ(s.backend_key(), kKeyData);
    EXPECT_EQ(s.client_key(), be32(4242) + "\xab\xab\xab\xab");
    EXPECT_TRUE(s.take_new_key());
    EXPECT_FALSE(s.take_new_key());
  }
}

TEST(ServerStream, WithoutASecretToGiveTheKeyPassesUnchanged) {
  ServerStream s;
  EXPECT_EQ(pass_in_pieces(s, kLogin, kLogin.size()), kLogin);
  EXPECT_TRUE(s.take_new_key());
  EXPECT_EQ(s.client_key(), kKeyData);
  EXPECT_EQ(s.backend_key(), kKeyData);
}

TEST(ServerStream, ProtocolThreeTwoKeysKeepTheirLength) {
  std::string long_key = be32(7) + std::string(32, 'k');
  std::string bytes = msg('K', long_key) + ready('I');
  ServerStream s(fill_with_ab);
  std::string out = pass_in_pieces(s, bytes, bytes.size());
  EXPECT_EQ(out, msg('K', be32(7) + std::string(32, '\xab')) + ready('I'));
  EXPECT_EQ(s.backend_key(), long_key);
}

// The bytes a broken server sends after `good`; everything before the bad
// message is forwarded, nothing from it on.
void expect_broken_after(const std::string& good, const std::string& bad, const std::string& why) {
  ServerStream s;
  std::string bytes = good + bad;
  EXPECT_EQ(s.pass(bytes.data(), bytes.size()), good.size());
  EXPECT_TRUE(s.broken());
  EXPECT_NE(s.error().find(why), std::string::npos) << s.error();
  EXPECT_TRUE(s.at_message_boundary());
  std::string more = ready('I');
  EXPECT_EQ(s.pass(more.data(), more.size()), 0u);
}

TEST(ServerStream, AStreamThatIsNotTheProtocolStopsBeforeTheBadMessage) {
  expect_broken_after(kLogin + row_description(), "HTTP/1.1 400 Bad Request\r\n\r\n", "invalid length");
  expect_broken_after(kLogin, msg('!', ""), "unknown backend message type 0x21");
  expect_broken_after(kLogin + row_description(), std::string("D\x80\0\0\0", 5), "invalid length 2147483648");
  expect_broken_after(kLogin, std::string("D\x7f\xff\xff\xff", 5), "invalid length 2147483647");
  expect_broken_after("", std::string("Z\0\0\0\3", 5), "invalid length 3");
  expect_broken_after(msg('R', be32(0)), msg('K', be32(1)), "BackendKeyData of invalid length 8");
}

TEST(ServerStream, ABadHeaderBegunEarlierBreaksMidMessage) {
  ServerStream s;
  std::string first = kLogin + "!";
  EXPECT_EQ(s.pass(first.data(), first.size()), first.size());
  std::string rest("\0\0\0\4", 4);
  EXPECT_EQ(s.pass(rest.data(), rest.size()), 0u);
  EXPECT_TRUE(s.broken());
  EXPECT_FALSE(s.at_message_boundary());  // the client already has the "!"
}

TEST(ConnectionObserver, RowsBeforeTheirDescriptionInASimpleQueryAreAServerFault) {
  auto now = SteadyTime::clock::now();
  auto observer = [] {
    return ConnectionObserver(std::make_shared<events::ConnectionInfo>(), [](events::StatementEvent&&) {});
  };
  ConnectionObserver fine = observer();
  fine.server_bytes(kLogin, now);
  fine.client_bytes(query("SELECT 1; SELECT 2"), now);
  fine.server_bytes(kAnswer.substr(0, kAnswer.size() - 6) + kAnswer, now);
  // The extended protocol's rows need no RowDescription: the client may
  // not have asked for one.
  fine.client_bytes(parse("", "SELECT 1") + bind("", "", {}) + execute("") + sync(), now);
  fine.server_bytes(parse_complete() + bind_complete() + data_row({"1"}) + command_complete("SELECT 1") + ready('I'),
                    now);
  EXPECT_EQ(fine.server_fault(), "");

  ConnectionObserver broken = observer();
  broken.server_bytes(kLogin, now);
  broken.client_bytes(query("SELECT 1"), now);
  broken.server_bytes(data_row({"1"}) + command_complete("SELECT 1") + ready('I'), now);
  EXPECT_EQ(broken.server_fault(), "DataRow before RowDescription");

  ConnectionObserver after_a_result = observer();
  after_a_result.server_bytes(kLogin, now);
  after_a_result.client_bytes(query("SELECT 1"), now);
  after_a_result.server_bytes(row_description() + command_complete("SELECT 0") + data_row({"1"}), now);
  EXPECT_EQ(after_a_result.server_fault(), "DataRow before RowDescription");
}

}  // namespace
}  // namespace pgsleuth::proxy
