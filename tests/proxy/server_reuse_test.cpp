// The pure parts of handing a server connection to a later client: the
// greeting replayed to it and the check of the DISCARD ALL answer.

#include <gtest/gtest.h>

#include <string>

#include "proxy/connection_observer.hpp"
#include "proxy/database_ddl.hpp"
#include "proxy/server_greeting.hpp"
#include "proxy/server_reset.hpp"
#include "tests/wire/wire_builders.hpp"

namespace pgsleuth::proxy {
namespace {

using namespace pgsleuth::testing;

std::string auth(uint32_t code, const std::string& extra = "") { return msg('R', be32(code) + extra); }
std::string param(const std::string& name, const std::string& value) { return msg('S', cstr(name) + cstr(value)); }
const std::string kKeyData = be32(4242) + be32(0xdeadbeef);
std::string key() { return msg('K', kKeyData); }

const std::string kTrustGreeting = auth(0) + param("DateStyle", "ISO, MDY") +
                                   param("TimeZone", "UTC") + key() + ready('I');

class GreetingFeed : public wire::MessageObserver {
 public:
  explicit GreetingFeed(ServerGreeting& g) : g_(g) {}
  void on_message(const wire::Message& m) override { g_.on_message(m); }
  ServerGreeting& g_;
};

ServerGreeting greeting_from(const std::string& bytes) {
  ServerGreeting g;
  GreetingFeed feed(g);
  wire::FrameDecoder d(wire::Direction::Backend);
  EXPECT_TRUE(d.feed(bytes, feed));
  return g;
}

TEST(ServerGreeting, TrustLoginIsReplayedAsTheServerSentIt) {
  ServerGreeting g = greeting_from(kTrustGreeting);
  EXPECT_TRUE(g.reusable());
  EXPECT_EQ(g.replay(kKeyData), kTrustGreeting);
}

TEST(ServerGreeting, TheKeyReplayedIsTheOneGivenNotTheOneSeen) {
  // What went past was the client's key; the session holds the backend's.
  ServerGreeting g = greeting_from(auth(0) + msg('K', be32(4242) + be32(1)) + ready('I'));
  EXPECT_EQ(g.replay(kKeyData), auth(0) + key() + ready('I'));
}

TEST(ServerGreeting, NoBackendKeyDataIsReplayedAsNone) {
  const std::string without_key = auth(0) + param("TimeZone", "UTC") + ready('I');
  ServerGreeting g = greeting_from(without_key);
  EXPECT_TRUE(g.reusable());
  EXPECT_EQ(g.replay(kKeyData), without_key);
}

TEST(ServerGreeting, ParameterChangesDuringTheSessionAreKept) {
  std::string later = command_complete("SET") + param("TimeZone", "Europe/Paris") +
                      param("application_name", "app") + ready('I');
  ServerGreeting g = greeting_from(kTrustGreeting + later);
  EXPECT_TRUE(g.reusable());
  EXPECT_EQ(g.replay(kKeyData), auth(0) + param("DateStyle", "ISO, MDY") + param("TimeZone", "Europe/Paris") +
                            param("application_name", "app") + key() + ready('I'));
}

TEST(ServerGreeting, APasswordOrSaslExchangeIsNeverReused) {
  EXPECT_FALSE(greeting_from(auth(5, "salt") + auth(0) + key() + ready('I')).reusable());
  EXPECT_FALSE(greeting_from(auth(10, cstr("SCRAM-SHA-256") + std::string(1, '\0')) + auth(11, "r=abc") +
                             auth(12, "v=xyz") + auth(0) + key() + ready('I'))
                   .reusable());
}

TEST(ServerGreeting, AnUnusualStartupIsNeverReused) {
  // A notice at login, a protocol negotiation, a login refused, no RFQ yet.
  EXPECT_FALSE(greeting_from(auth(0) + msg('N', std::string("SNOTICE\0\0", 9)) + key() + ready('I')).reusable());
  EXPECT_FALSE(greeting_from(msg('v', be32(0) + be32(0)) + auth(0) + key() + ready('I')).reusable());
  EXPECT_FALSE(greeting_from(error("28000")).reusable());
  EXPECT_FALSE(greeting_from(auth(0) + key()).reusable());
  EXPECT_FALSE(greeting_from(auth(0) + key() + ready('T')).reusable());
}

TEST(ServerGreeting, AnOversizedParameterIsNotReplayedCut) {
  EXPECT_FALSE(greeting_from(auth(0) + param("x", std::string(5000, 'v')) + key() + ready('I')).reusable());
}

TEST(ServerReset, RequestIsOneDiscardAllQuery) {
  EXPECT_EQ(std::string(ServerReset::request()), query("DISCARD ALL"));
}

const std::string kResetAnswer = param("DateStyle", "ISO, MDY") + command_complete("DISCARD ALL") + ready('I');

TEST(ServerReset, CleanAnswerSplitAnywhereUpdatesTheGreeting) {
  ServerGreeting changed = greeting_from(kTrustGreeting + param("DateStyle", "German, DMY"));
  for (size_t cut = 0; cut <= kResetAnswer.size(); ++cut) {
    ServerReset reset(changed);
    auto first = reset.feed(kResetAnswer.substr(0, cut));
    if (cut < kResetAnswer.size()) {
      ASSERT_EQ(first, ServerReset::State::Waiting) << cut;
    }
    ASSERT_EQ(reset.feed(kResetAnswer.substr(cut)), ServerReset::State::Clean) << cut;
    EXPECT_EQ(reset.greeting().replay(kKeyData), kTrustGreeting);
  }
}

TEST(ServerReset, NoticesAndLeftoverNotificationsAreHarmless) {
  ServerReset reset(greeting_from(kTrustGreeting));
  std::string answer = msg('A', be32(1) + cstr("chan") + cstr("x")) + msg('N', std::string("SWARNING\0\0", 10)) +
                       command_complete("DISCARD ALL") + ready('I');
  EXPECT_EQ(reset.feed(answer), ServerReset::State::Clean);
}

TEST(ServerReset, AnythingElseFails) {
  auto verdict = [](const std::string& bytes) {
    ServerReset reset(greeting_from(kTrustGreeting));
    return reset.feed(bytes);
  };
  using S = ServerReset::State;
  EXPECT_EQ(verdict(error("25001") + ready('T')), S::Failed);
  EXPECT_EQ(verdict(ready('I')), S::Failed);                                   // no CommandComplete
  EXPECT_EQ(verdict(command_complete("SELECT 1") + ready('I')), S::Failed);    // another answer
  EXPECT_EQ(verdict(command_complete("DISCARD ALL") + ready('T')), S::Failed); // still in a transaction
  EXPECT_EQ(verdict(data_row({"1"})), S::Failed);
  EXPECT_EQ(verdict(kResetAnswer + ready('I')), S::Failed);                    // more after the end
  EXPECT_EQ(verdict(kResetAnswer + "Z"), S::Failed);                           // a partial message after it
  EXPECT_EQ(verdict(msg('N', std::string(70 * 1024, 'x'))), S::Failed);        // unbounded
}

TEST(ConnectionObserver, ClientAtRestOnlyAfterAWholeRequest) {
  ConnectionObserver obs(std::make_shared<events::ConnectionInfo>(), [](events::StatementEvent&&) {});
  auto now = SteadyTime::clock::now();
  EXPECT_TRUE(obs.client_at_rest());
  obs.client_bytes(parse("", "select 1") + bind("", "", {}), now);
  EXPECT_FALSE(obs.client_at_rest());  // the server waits for a Sync
  obs.client_bytes(execute("") + sync(), now);
  EXPECT_TRUE(obs.client_at_rest());
  std::string q = query("select 1");
  obs.client_bytes(q.substr(0, 3), now);
  EXPECT_FALSE(obs.client_at_rest());  // half a message
  obs.client_bytes(q.substr(3), now);
  EXPECT_TRUE(obs.client_at_rest());
}

// The session holds back a chunk's last five bytes when they read like a
// Terminate; only the decoder knows whether they are one.
TEST(ConnectionObserver, TerminateOnlyWhenTheDecoderSeesAWholeOne) {
  auto now = SteadyTime::clock::now();
  const std::string terminate("X\0\0\0\4", 5);
  {
    ConnectionObserver obs(std::make_shared<events::ConnectionInfo>(), [](events::StatementEvent&&) {});
    obs.client_bytes(msg('H', ""), now);
    obs.client_bytes(terminate, now);
    EXPECT_TRUE(obs.client_terminated());
    EXPECT_TRUE(obs.client_at_rest());
  }
  {
    // COPY data that ends in the same five bytes is COPY data.
    ConnectionObserver obs(std::make_shared<events::ConnectionInfo>(), [](events::StatementEvent&&) {});
    std::string copy = msg('d', "row" + terminate);
    obs.client_bytes(copy.substr(0, copy.size() - 5), now);
    obs.client_bytes(copy.substr(copy.size() - 5), now);
    EXPECT_FALSE(obs.client_terminated());
    EXPECT_TRUE(obs.active());
  }
}

TEST(DatabaseDdl, RecognisesStatementsThatNeedOtherSessionsOffADatabase) {
  for (const char* ddl : {"DROP DATABASE \"test_app\"", "  drop   database if exists x",
                          "/* django */ CREATE DATABASE \"test_1\" WITH TEMPLATE \"test\"",
                          "-- rename\nALTER\n DATABASE a RENAME TO b"}) {
    EXPECT_TRUE(is_database_ddl(ddl)) << ddl;
  }
  for (const char* other : {"DROP TABLE database", "SELECT 'DROP DATABASE x'", "DROP DATABASES", "DROPDATABASE x", ""}) {
    EXPECT_FALSE(is_database_ddl(other)) << other;
  }
  for (const char* sql : {"SELECT 1; DROP DATABASE x; SELECT 2", "DROP DATABASE x"}) {
    EXPECT_TRUE(has_database_ddl(sql)) << sql;
  }
  EXPECT_FALSE(has_database_ddl("SELECT 1; SELECT 2;"));
}

TEST(ConnectionObserver, SeesDatabaseDdlInSimpleAndExtendedQueries) {
  ConnectionObserver obs(std::make_shared<events::ConnectionInfo>(), [](events::StatementEvent&&) {});
  auto now = SteadyTime::clock::now();
  obs.client_bytes(query("SELECT 1"), now);
  EXPECT_FALSE(obs.take_database_ddl());
  obs.client_bytes(query("DROP DATABASE x"), now);
  EXPECT_TRUE(obs.take_database_ddl());
  EXPECT_FALSE(obs.take_database_ddl());
  obs.client_bytes(parse("", "create database y"), now);
  EXPECT_TRUE(obs.take_database_ddl());
}

}  // namespace
}  // namespace pgsleuth::proxy
