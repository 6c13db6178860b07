// The login's one rewrite and its one refusal (login_filter.hpp): the
// server's SASL list without SCRAM-SHA-256-PLUS, framed right; a client
// asking for channel binding after that; the login's error kept.

#include "proxy/login_filter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::proxy {
namespace {

std::string message(char type, const std::string& body) {
  std::string out(1, type);
  out.append(4, '\0');
  wire::put_u32(out.data() + 1, static_cast<uint32_t>(body.size() + 4));
  return out + body;
}

std::string u32(uint32_t v) {
  std::string out(4, '\0');
  wire::put_u32(out.data(), v);
  return out;
}

std::string sasl(const std::string& mechanisms) { return message('R', u32(10) + mechanisms + std::string(1, '\0')); }
const std::string kBoth = std::string("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0", 34);
const std::string kPlain = std::string("SCRAM-SHA-256\0", 14);

std::string initial_response(const std::string& mechanism, const std::string& data) {
  return message('p', mechanism + std::string(1, '\0') + u32(static_cast<uint32_t>(data.size())) + data);
}

// Feeds `bytes` through the filter as one chunk, returns what goes on.
std::string pass(LoginFilter& f, std::string bytes) {
  bytes.resize(f.server_bytes(bytes.data(), bytes.size()));
  return bytes;
}

TEST(LoginFilter, LeavesPlusOutWithTheRightLengthAndKeepsWhatFollows) {
  LoginFilter f(true);
  const std::string after = message('N', "notice");
  EXPECT_EQ(pass(f, sasl(kBoth) + after), sasl(kPlain) + after);
  EXPECT_TRUE(f.stripped());
  EXPECT_FALSE(f.done());
}

TEST(LoginFilter, PassesTheListUntouchedWhenBindingCanPass) {
  LoginFilter f(false);
  EXPECT_EQ(pass(f, sasl(kBoth)), sasl(kBoth));
  EXPECT_FALSE(f.stripped());
  EXPECT_TRUE(f.client_bytes(initial_response("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc")));
}

TEST(LoginFilter, ASplitListPassesUnchangedAndIsReported) {
  LoginFilter f(true);
  const std::string whole = sasl(kBoth);
  std::string out = pass(f, whole.substr(0, 7));
  out += pass(f, whole.substr(7));
  EXPECT_EQ(out, whole);
  EXPECT_TRUE(f.missed());
  EXPECT_FALSE(f.stripped());
}

TEST(LoginFilter, RefusesAClientThatAsksForBindingAfterPlusWasLeftOut) {
  for (const auto& [mechanism, data, allowed] :
       {std::tuple<std::string, std::string, bool>{"SCRAM-SHA-256", "n,,n=,r=abc", true},
        {"SCRAM-SHA-256", "y,,n=,r=abc", false},
        {"SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc", false}}) {
    LoginFilter f(true);
    pass(f, sasl(kBoth));
    EXPECT_EQ(f.client_bytes(initial_response(mechanism, data)), allowed) << data;
  }
}

TEST(LoginFilter, EndsAtAuthenticationOkAndKeepsALoginError) {
  LoginFilter ok(true);
  pass(ok, message('R', u32(0)) + message('S', std::string("a\0b\0", 4)));
  EXPECT_TRUE(ok.done());

  LoginFilter refused(true);
  const std::string error = message('E', std::string("SFATAL\0C28000\0Mno pg_hba.conf entry, no encryption\0\0", 52));
  pass(refused, error.substr(0, 3));
  pass(refused, error.substr(3));
  EXPECT_TRUE(refused.done());
  EXPECT_EQ(refused.error_code(), "28000");
  EXPECT_EQ(refused.error_message(), "no pg_hba.conf entry, no encryption");
}

}  // namespace
}  // namespace pgsleuth::proxy
