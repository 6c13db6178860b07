// pgsleuth in front of a broken server (a crashed backend, something in
// between, a wrong port that speaks another protocol), played by a fake
// server: garbage, a 2 GB length, rows nobody described, an unknown
// message type, a close in the middle of a message, garbage for a login.
// Each time pgsleuth ends that one session with a logged reason, the
// client learns of it within seconds (an error, then the end of the
// connection), and another session through the same pgsleuth goes on.

#include <gtest/gtest.h>

#include <poll.h>

#include <chrono>
#include <map>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/fake_server.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/pg_wire.hpp"

namespace pgsleuth::test::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Long enough for a loaded machine; a hang waits forever, so still fails.
constexpr auto kDeadline = kSettleTimeout;

struct Case {
  std::string name;          // the fake server's scenario, by database name
  FakeServer::Scenario scenario;
  std::string logged;        // in pgsleuth's log
  std::string client_sees;   // in what libpq reports to the client
};

std::vector<Case> cases() {
  const std::string pgsleuth_error = "broke the PostgreSQL protocol";
  return {
      {"garbage", {wire::row_description({"x"}) + "HTTP/1.1 500 Internal Server Error\r\n\r\n", false, true},
       "broke the protocol (backend message CopyOutResponse ('H') has invalid length", pgsleuth_error},
      {"length_2gb", {wire::row_description({"x"}) + "D" + wire::int32_bytes(0x80000000u)},
       "broke the protocol (backend message DataRow ('D') has invalid length 2147483648)", pgsleuth_error},
      {"datarow_first", {wire::data_row({"1"}) + wire::command_complete("SELECT 1") + wire::ready_for_query()},
       "broke the protocol (DataRow before RowDescription)", pgsleuth_error},
      {"unknown_type", {wire::message('!', "")}, "broke the protocol (unknown backend message type 0x21)",
       pgsleuth_error},
      {"closes_mid_message", {wire::row_description({"x"}) + wire::data_row({"12345"}).substr(0, 9), false, true},
       "broke the protocol (closed in the middle of a message)", "server closed the connection unexpectedly"},
  };
}

const FakeServer::Scenario kStartupGarbage{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", true};

// What a libpq client learnt from one query.
struct Outcome {
  bool finished = false;  // every result came, or the connection ended, in time
  bool failed = false;    // an error result, or the connection ended
  std::string messages;   // errors and notices, as libpq gave them
};

void collect_notice(void* arg, const PGresult* result) {
  *static_cast<std::string*>(arg) += PQresultErrorMessage(result);
}

bool wait_readable(PGconn* c, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0 || PQsocket(c) < 0) return false;
  pollfd pfd{PQsocket(c), POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(left.count())) > 0;
}

// The query, bounded by a deadline: a client stuck waiting is a failure
// of the test, not a hang of it.
Outcome query_within(PGconn* c, const std::string& sql, std::string* notices) {
  PQsetNoticeReceiver(c, collect_notice, notices);
  Outcome out;
  auto deadline = Clock::now() + kDeadline;
  if (PQsendQuery(c, sql.c_str()) != 1) return {true, true, PQerrorMessage(c)};
  for (;;) {
    while (!PQisBusy(c) || PQstatus(c) == CONNECTION_BAD) {
      PgResultPtr r(PQgetResult(c));
      if (!r) {
        out.finished = true;
        out.failed = out.failed || PQstatus(c) == CONNECTION_BAD;
        return out;
      }
      if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR) {
        out.failed = true;
        out.messages += PQresultErrorMessage(r.get());
      }
    }
    if (!wait_readable(c, deadline)) return out;
    if (PQconsumeInput(c) != 1) {
      out.failed = true;
      out.messages += PQerrorMessage(c);
    }
  }
}

// The connection ends (pgsleuth closed it) before the deadline; what came
// before the end goes to the notice receiver.
bool ends_within(PGconn* c) {
  auto deadline = Clock::now() + kDeadline;
  while (PQstatus(c) != CONNECTION_BAD) {
    if (!wait_readable(c, deadline)) return false;
    bool ended = PQconsumeInput(c) != 1;
    PQisBusy(c);  // parses what was read
    if (ended) return true;
  }
  return true;
}

std::string select_one(PGconn* c) {
  std::string notices;
  Outcome out = query_within(c, "SELECT 1", &notices);
  if (!out.finished || out.failed) return "failed: " + out.messages;
  PgResultPtr r(PQexec(c, "SELECT 1"));
  return PQresultStatus(r.get()) == PGRES_TUPLES_OK ? PQgetvalue(r.get(), 0, 0) : PQresultErrorMessage(r.get());
}

class HostileServerBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::map<std::string, FakeServer::Scenario> scenarios{{"startup_garbage", kStartupGarbage}};
    for (const Case& c : cases()) scenarios.emplace(c.name, c.scenario);
    server_ = std::make_unique<FakeServer>(scenarios);
    proxy_ = start_suite_proxy(server_->port());
  }
  static void TearDownTestSuite() {
    stop_suite_proxy(proxy_);
    server_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(proxy_) << "pgsleuth did not start";
    bystander_ = pq_connect(conninfo("well_behaved"));
    ASSERT_EQ(select_one(bystander_.get()), "1");
  }
  // Whatever happened to the broken session, everyone else goes on.
  void TearDown() override {
    if (!proxy_) return;
    EXPECT_TRUE(proxy_->running()) << proxy_->stderr_text();
    EXPECT_EQ(select_one(bystander_.get()), "1") << "the session opened before";
    auto fresh = pq_connect(conninfo("well_behaved"));
    EXPECT_EQ(select_one(fresh.get()), "1") << "a session opened after";
  }

  static std::string conninfo(const std::string& scenario) {
    return proxy_->conninfo(scenario, "postgres", "connect_timeout=10");
  }
  // pgsleuth's log says `text` before the deadline.
  static ::testing::AssertionResult logged(const std::string& text) {
    if (proxy_->log_says(text)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no \"" << text << "\" in pgsleuth's log:\n" << proxy_->stderr_text();
  }
  // pgsleuth closed its side of the server connection before the deadline.
  static bool server_side_closed(const std::string& scenario) {
    return eventually([&] { return server_->closed_by_peer(scenario) != 0; });
  }

  static inline std::unique_ptr<FakeServer> server_;
  static inline std::unique_ptr<ProxyProcess> proxy_;
  PgConnPtr bystander_;
};

class HostileServer : public HostileServerBase, public ::testing::WithParamInterface<Case> {};
class HostileServerLogin : public HostileServerBase {};

TEST_P(HostileServer, OnlyThatSessionEndsWithAReasonAndTheClientIsToldInTime) {
  const Case& c = GetParam();
  auto victim = pq_connect(conninfo(c.name));  // the login went well
  std::string notices;
  Outcome out = query_within(victim.get(), "SELECT 1", &notices);
  ASSERT_TRUE(out.finished) << "the client still waits";
  EXPECT_TRUE(out.failed);
  EXPECT_TRUE(ends_within(victim.get())) << "pgsleuth did not close the client's connection";
  // After the end of a query's answer pgsleuth's error comes as a notice.
  EXPECT_NE((out.messages + notices).find(c.client_sees), std::string::npos) << out.messages << notices;
  EXPECT_TRUE(logged(c.logged));
  if (!c.scenario.close_after) {
    EXPECT_TRUE(server_side_closed(c.name)) << "pgsleuth kept the broken server connection open";
  }
}

INSTANTIATE_TEST_SUITE_P(Broken, HostileServer, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// A wrong port: the "server" answers the startup packet in another protocol.
TEST_F(HostileServerLogin, AnotherProtocolForALoginIsAnErrorNotAWait) {
  // A wait would end in libpq's connect_timeout, with another message.
  PgConnPtr conn(PQconnectdb(conninfo("startup_garbage").c_str()));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  std::string error = PQerrorMessage(conn.get());
  EXPECT_NE(error.find("broke the PostgreSQL protocol: backend message ParameterStatus ('S') has invalid length"), std::string::npos)
      << error;
  EXPECT_TRUE(logged("broke the protocol (backend message ParameterStatus ('S') has invalid length"));
  EXPECT_TRUE(server_side_closed("startup_garbage"));
}

}  // namespace
}  // namespace pgsleuth::test::e2e
