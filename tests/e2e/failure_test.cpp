// pgsleuth under failure: upstream down, a client killed mid-query, garbage
// and hostile bytes, TLS where the protocol is expected. The affected
// connection fails cleanly; the proxy stays up for everyone else. And what
// an operator sees of it: counters, and threads named for their work.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/pg_wire.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::e2e {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

using namespace std::chrono_literals;

const std::map<std::string, std::string> kStartup = {
    {"user", "postgres"}, {"database", "postgres"}, {"application_name", "e2e_raw"}};

// Resident memory of a process in kB (0 when unknown).
long resident_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> value) return value;
  }
  return 0;
}

// After hostile input the connection must end: closed, or an ErrorResponse.
::testing::AssertionResult closed_or_errored(RawSocket& socket) {
  std::string received;
  bool closed = socket.wait_closed(kSettleTimeout, &received);
  if (closed || (!received.empty() && received[0] == 'E')) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "connection neither closed nor errored in time; received "
                                       << received.size() << " bytes";
}

TEST(UpstreamDown, ClientGets08006NamingTheUpstreamAndProxyStaysUp) {
  uint16_t dead_port = closed_port();
  auto proxy = start_proxy_to(dead_port);
  const std::string upstream = "127.0.0.1:" + std::to_string(dead_port);
  for (int attempt = 0; attempt < 2; ++attempt) {
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    RawSocket socket(proxy->port());
    ASSERT_TRUE(socket.send_all(wire::startup_message(kStartup)));
    auto reply = wire::read_message(socket, kSettleTimeout);
    ASSERT_TRUE(reply.has_value()) << "no reply to the startup message";
    ASSERT_EQ(reply->type, 'E');
    auto fields = wire::error_fields(reply->body);
    EXPECT_EQ(fields['C'], "08006");
    EXPECT_NE(fields['M'].find(upstream), std::string::npos) << fields['M'];
    EXPECT_TRUE(socket.wait_closed(kSettleTimeout));
  }
  auto psql = run_psql(proxy->port(), "SELECT 1", "postgres", "postgres", 15s);
  EXPECT_EQ(psql.exit_code, 2);
  EXPECT_NE(psql.err.find(upstream), std::string::npos) << psql.err;
  EXPECT_TRUE(proxy->running()) << proxy->stderr_text();
  EXPECT_EQ(proxy->stop(), 0) << proxy->stderr_text();
}

class Failure : public ProxiedTest {};

// Kills a psql running pg_sleep through `port`; true when its backend is gone
// long before the sleep would have ended by itself.
::testing::AssertionResult killed_client_leaves_no_backend(uint16_t port, const std::string& app,
                                                           const std::string& sql = "SELECT pg_sleep(600)") {
  auto& pg = PgClusterEnvironment::cluster();
  TempDir dir("pgsleuth-e2e-");
  SpawnOptions spawn;
  spawn.argv = {"psql", "-X", "-d", make_conninfo(port, "postgres", "postgres", "application_name=" + app),
                "-c", sql};
  spawn.env = clean_pg_env();
  spawn.stderr_path = dir.path() / "psql.err";
  Subprocess psql(spawn);
  const std::string count = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'";
  if (!eventually([&] { return pg.query_value(count + " AND state = 'active'") == "1"; })) {
    return ::testing::AssertionFailure() << "pg_sleep never became active; psql: "
                                         << read_file(dir.path() / "psql.err");
  }
  psql.signal(SIGKILL);
  psql.wait(5s);
  const std::string left = poll_until([&] { return pg.query_value(count); },
                                      [](const std::string& n) { return n == "0"; });
  if (left == "0") return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the backend of the killed client is still there";
}

TEST_F(Failure, KilledClientLeavesNoBackendBehind) {
  // Directly, the server notices the dead client (the baseline)...
  EXPECT_TRUE(killed_client_leaves_no_backend(pg().port(), "e2e_killed_direct"));
  // ...and through the proxy, which must close its upstream side.
  EXPECT_TRUE(killed_client_leaves_no_backend(proxy().port(), "e2e_killed"));
}

// With the server's own dead-client check off for the session, only the
// proxy can end the query: it cancels the running query of a client that
// vanished mid-query, and the backend then notices the closed connection.
TEST_F(Failure, VanishedClientsRunningQueryIsCancelled) {
  EXPECT_TRUE(killed_client_leaves_no_backend(proxy().port(), "e2e_killed_nocheck",
                                              "SET client_connection_check_interval = 0; SELECT pg_sleep(600)"));
}

TEST_F(Failure, GarbageAfterStartupEndsOnlyThatConnection) {
  auto bystander = pq_connect(proxy().conninfo());
  RawSocket socket(proxy().port());
  ASSERT_TRUE(socket.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(socket, kSettleTimeout));
  socket.send_all(std::string("\x01\x02garbage\xff\xff\xff\xff\x00\x00 more garbage", 28));
  EXPECT_TRUE(closed_or_errored(socket));
  PgResultPtr still(PQexec(bystander.get(), "SELECT 'bystander ok'"));
  ASSERT_EQ(PQresultStatus(still.get()), PGRES_TUPLES_OK) << PQerrorMessage(bystander.get());
  EXPECT_STREQ(PQgetvalue(still.get(), 0, 0), "bystander ok");
}

// The connection the decoder gave up on is counted where an operator looks:
// /metrics, along with an upstream that could not be reached.
TEST(Metrics, ProtocolErrorsAndUpstreamFailuresAreCounted) {
  const uint16_t admin_port = free_port();
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(PgClusterEnvironment::cluster().port());
  options.extra_args = {"--admin", "127.0.0.1:" + std::to_string(admin_port)};
  ProxyProcess proxy(options);
  RawSocket socket(proxy.port());
  ASSERT_TRUE(socket.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(socket, kSettleTimeout));
  socket.send_all(std::string("\x01\x02garbage\xff\xff\xff\xff\x00\x00 more garbage", 28));
  EXPECT_TRUE(closed_or_errored(socket));
  EXPECT_TRUE(metric_reaches(admin_port, "pgsleuth_protocol_errors_total 1"));
  EXPECT_TRUE(metric_reaches(admin_port, "pgsleuth_upstream_connect_failures_total 0"));
  EXPECT_TRUE(proxy.log_says("stopped analysing it")) << proxy.stderr_text();
  EXPECT_EQ(proxy.stop(), 0) << proxy.stderr_text();
}

// top -H and ps -L tell an operator which thread spends the CPU.
TEST(Threads, EachSaysWhatItIsFor) {
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(PgClusterEnvironment::cluster().port());
  options.extra_args = {"--threads", "2", "--admin", "127.0.0.1:" + std::to_string(free_port())};
  ProxyProcess proxy(options);
  auto names = [&] {
    std::set<std::string> seen;
    for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", proxy.pid()))) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      if (std::getline(comm, name)) seen.insert(name);
    }
    return seen;
  };
  const std::set<std::string> wanted{"pgs-io-0", "pgs-io-1", "pgs-analysis", "pgs-admin"};
  auto all_named = [&](const std::set<std::string>& seen) {
    return std::includes(seen.begin(), seen.end(), wanted.begin(), wanted.end());
  };
  EXPECT_TRUE(all_named(poll_until(names, all_named))) << fmt::format("{}", fmt::join(names(), ", "));
  EXPECT_EQ(proxy.stop(), 0) << proxy.stderr_text();
}

class HugeLength : public Failure, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(HugeLength, MessageClaimingGigabytesIsRefusedWithoutBuffering) {
  long rss_before = resident_kb(proxy().pid());
  RawSocket socket(proxy().port());
  ASSERT_TRUE(socket.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(socket, kSettleTimeout));
  // The length field promises ~2 GB; a few real bytes follow, and more keep
  // coming for a while, so a proxy that buffers "until complete" would grow.
  socket.send_all("Q" + wire::int32_bytes(GetParam()) + "SELECT 1");
  std::string filler(1 << 20, 'x');
  for (int i = 0; i < 16 && socket.send_all(filler); ++i) {
  }
  EXPECT_TRUE(closed_or_errored(socket));
  EXPECT_LT(resident_kb(proxy().pid()) - rss_before, 256 * 1024) << "proxy memory grew";
}

INSTANTIATE_TEST_SUITE_P(TwoGigabytes, HugeLength, ::testing::Values(0x7fffffffu, 0x80000000u));

TEST_F(Failure, TlsClientHelloFirstGetsTheConnectionClosed) {
  RawSocket socket(proxy().port());
  socket.send_all(wire::tls_client_hello());
  std::string received;
  EXPECT_TRUE(socket.wait_closed(kSettleTimeout, &received)) << "still open long after a TLS ClientHello";
  // Whatever came back, it was not a TLS handshake record.
  EXPECT_TRUE(received.empty() || received[0] != '\x16');
}

TEST_F(Failure, SslRequestIsAnsweredNThenTheSessionWorks) {
  RawSocket socket(proxy().port());
  ASSERT_TRUE(socket.send_all(wire::ssl_request()));
  auto answer = socket.read_exact(1, kSettleTimeout);
  ASSERT_EQ(answer.status, RawSocket::ReadStatus::data);
  EXPECT_EQ(answer.bytes, "N");
  ASSERT_TRUE(socket.send_all(wire::startup_message(kStartup)));
  ASSERT_TRUE(wire::read_until_ready(socket, kSettleTimeout));
  ASSERT_TRUE(socket.send_all(wire::query("SELECT 'after ssl request'")));
  std::optional<wire::BackendMessage> row;
  for (auto msg = wire::read_message(socket, kSettleTimeout); msg && msg->type != 'Z'; msg = wire::read_message(socket, kSettleTimeout)) {
    if (msg->type == 'D') row = msg;
  }
  ASSERT_TRUE(row.has_value());
  EXPECT_NE(row->body.find("after ssl request"), std::string::npos);

  auto prefer = run_command({"psql", "-X", "-A", "-t", "-d", proxy().conninfo("postgres", "postgres", "sslmode=prefer"),
                             "-c", "SELECT 'prefer ok'"},
                            clean_pg_env(), 15s);
  EXPECT_EQ(prefer.exit_code, 0) << prefer.err;
  EXPECT_EQ(prefer.out, "prefer ok\n");

  // The test cluster has no TLS: sslmode=require fails as it does directly.
  auto require = [](const std::string& conninfo) {
    return run_command({"psql", "-X", "-d", conninfo, "-c", "SELECT 1"}, clean_pg_env(), 15s);
  };
  auto direct = require(make_conninfo(pg().port(), "postgres", "postgres", "sslmode=require"));
  auto proxied = require(proxy().conninfo("postgres", "postgres", "sslmode=require"));
  EXPECT_EQ(proxied.exit_code, direct.exit_code);
  EXPECT_EQ(mask_port(proxied.err, proxy().port()), mask_port(direct.err, pg().port()));
}

}  // namespace
}  // namespace pgsleuth::test::e2e

namespace pgsleuth::test::e2e {
namespace {

// The end-to-end form of a crash a fuzzer found in the statement tracker: an
// Execute of a statement whose text the tracker does not have, answered with
// DEALLOCATE. Here the tracker cannot read the statement's name (longer than
// it captures; the server keys names on their first 63 bytes and answers
// normally); evicting it from the tracker's bounded table has the same
// effect. The proxy used to dereference the missing text and take every
// connection down.
TEST_F(Failure, ExecuteOfAStatementTheTrackerCannotNameKeepsTheProxyUp) {
  auto bystander = pq_connect(proxy().conninfo());
  auto conn = pq_connect(proxy().conninfo("postgres", "postgres", "application_name=e2e_unnamed"));
  PGconn* c = conn.get();
  const std::string name = "s" + std::string(100 * 1024, 'x');
  PgResultPtr victim(PQprepare(c, "victim", "SELECT 1", 0, nullptr));
  ASSERT_EQ(PQresultStatus(victim.get()), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PgResultPtr prepared(PQprepare(c, name.c_str(), "DEALLOCATE victim", 0, nullptr));
  ASSERT_EQ(PQresultStatus(prepared.get()), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PgResultPtr executed(PQexecPrepared(c, name.c_str(), 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(PQresultStatus(executed.get()), PGRES_COMMAND_OK) << PQerrorMessage(c);
  EXPECT_STREQ(PQcmdStatus(executed.get()), "DEALLOCATE");
  PgResultPtr gone(PQexecPrepared(c, "victim", 0, nullptr, nullptr, nullptr, 0));
  EXPECT_EQ(pq_sqlstate(gone.get()), "26000") << PQerrorMessage(c);
  ASSERT_TRUE(proxy().running()) << proxy().stderr_text();
  PgResultPtr still(PQexec(bystander.get(), "SELECT 'bystander ok'"));
  ASSERT_EQ(PQresultStatus(still.get()), PGRES_TUPLES_OK) << PQerrorMessage(bystander.get());
  PgResultPtr after(PQexec(c, "SELECT 'same connection ok'"));
  EXPECT_EQ(PQresultStatus(after.get()), PGRES_TUPLES_OK) << PQerrorMessage(c);
}

}  // namespace
}  // namespace pgsleuth::test::e2e

namespace pgsleuth::test::e2e {
namespace {

// A client that connects and says nothing, or stops after its SSLRequest,
// holds no connection slot for ever: proxy.login_timeout_ms closes it, as
// PostgreSQL's authentication_timeout would, and nobody else notices.
TEST(LoginTimeout, SilentClientsAreClosedWithAReasonOthersAreNot) {
  TempDir dir("pgsleuth-login-");
  write_file(dir.path() / "pgsleuth.toml", "[proxy]\nlogin_timeout_ms = 300\n");
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(PgClusterEnvironment::cluster().port());
  options.extra_args = {"--config", (dir.path() / "pgsleuth.toml").string()};
  ProxyProcess proxy(options);
  auto bystander = pq_connect(proxy.conninfo());

  RawSocket silent(proxy.port());
  RawSocket after_ssl(proxy.port());
  ASSERT_TRUE(after_ssl.send_all(wire::ssl_request()));
  EXPECT_EQ(after_ssl.read_exact(1, kSettleTimeout).bytes, "N");
  EXPECT_TRUE(silent.wait_closed(kSettleTimeout));
  EXPECT_TRUE(after_ssl.wait_closed(kSettleTimeout));
  EXPECT_TRUE(proxy.log_says("no startup packet within 300 ms")) << proxy.stderr_text();

  // A login that came in time is not cut at the deadline, whether its
  // server connection was new or handed on by a client that left.
  pq_connect(proxy.conninfo()).reset();
  auto next = pq_connect(proxy.conninfo());
  for (PGconn* c : {bystander.get(), next.get()}) {
    PgResultPtr slow(PQexec(c, "SELECT pg_sleep(0.5), 'still here'"));
    ASSERT_EQ(PQresultStatus(slow.get()), PGRES_TUPLES_OK) << PQerrorMessage(c);
    EXPECT_STREQ(PQgetvalue(slow.get(), 0, 1), "still here");
  }
  EXPECT_TRUE(proxy_serving(proxy));
  EXPECT_EQ(proxy.stop(), 0) << proxy.stderr_text();
}

}  // namespace
}  // namespace pgsleuth::test::e2e
