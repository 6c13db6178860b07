// Server connections handed from one client to the next: through a real
// proxy and a real PostgreSQL, the second client gets the first one's
// backend (same pid), with every piece of session state the first one left
// behind gone, and the parameters it is told being the server's current ones.

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test::e2e {
namespace {

using namespace std::chrono_literals;

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

class ServerReuse : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void TearDown() override {
    if (proxy_) {
      EXPECT_EQ(proxy_->stop(), 0) << proxy_->stderr_text();
    }
  }

  void start(std::vector<std::string> extra) {
    if (proxy_) proxy_->stop();
    admin_port_ = free_port();
    ProxyOptions options;
    options.binary = pgsleuth_binary();
    options.upstream = "127.0.0.1:" + std::to_string(pg().port());
    options.extra_args = {"--admin", "127.0.0.1:" + std::to_string(admin_port_)};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    proxy_ = std::make_unique<ProxyProcess>(options);
  }

  static PgCluster& pg() { return PgClusterEnvironment::cluster(); }

  std::string metrics() { return admin_get(admin_port_, "/metrics"); }
  // Waits until /metrics shows `line` (a whole "name value" line).
  ::testing::AssertionResult metric_reaches(const std::string& line) {
    return test::metric_reaches(admin_port_, line);
  }

  PgConnPtr connect(const std::string& app = "e2e_reuse", const std::string& user = "postgres",
                    const std::string& extra = "") {
    return pq_connect(proxy_->conninfo("postgres", user, "application_name=" + app + " " + extra));
  }
  static std::string value(PGconn* c, const std::string& sql) {
    PgResultPtr r(PQexec(c, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return "error: " + std::string(PQresultErrorMessage(r.get()));
    return PQgetisnull(r.get(), 0, 0) ? "NULL" : PQgetvalue(r.get(), 0, 0);
  }
  static void exec(PGconn* c, const std::string& sql) {
    PgResultPtr r(PQexec(c, sql.c_str()));
    ASSERT_TRUE(PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r.get());
  }
  // Waits until the server runs `sql` (a query some client sent).
  static bool running(const std::string& sql) {
    return eventually([&] {
      return pg().query_value("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '" + sql +
                              "'") == "1";
    });
  }
  // The client's own cancel, through pgsleuth, stops its running query.
  static ::testing::AssertionResult cancel_stops_a_query(PGconn* conn) {
    const std::string sql = "SELECT pg_sleep(600)";
    if (PQsendQuery(conn, sql.c_str()) != 1) return ::testing::AssertionFailure() << PQerrorMessage(conn);
    if (!running(sql)) return ::testing::AssertionFailure() << "the query never ran";
    std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel(PQgetCancel(conn), PQfreeCancel);
    char errbuf[256] = {};
    if (PQcancel(cancel.get(), errbuf, sizeof errbuf) != 1) return ::testing::AssertionFailure() << errbuf;
    PgResultPtr result(PQgetResult(conn));
    while (PgResultPtr(PQgetResult(conn))) {
    }
    // 57014: the cancel, not the end of the sleep, ended it.
    if (pq_sqlstate(result.get()) != "57014") {
      return ::testing::AssertionFailure() << "not cancelled: " << PQresultErrorMessage(result.get());
    }
    return ::testing::AssertionSuccess();
  }
  // True once no backend has this pid (the proxy closed it).
  static bool backend_gone(const std::string& pid) {
    return eventually([&] { return pg().query_value("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == "0"; });
  }

  std::unique_ptr<ProxyProcess> proxy_;
  uint16_t admin_port_ = 0;
};

TEST_F(ServerReuse, NextClientGetsTheSameBackendWithItsSessionStateGone) {
  std::string pid;
  {
    auto first = connect();
    pid = value(first.get(), "SELECT pg_backend_pid()");
    exec(first.get(), "SET DateStyle = 'German'");
    EXPECT_STREQ(PQparameterStatus(first.get(), "DateStyle"), "German, DMY");
    exec(first.get(), "SET search_path = nowhere");
    exec(first.get(), "CREATE TEMP TABLE reuse_tmp (x int)");
    exec(first.get(), "PREPARE reuse_stmt AS SELECT 1");
    exec(first.get(), "LISTEN reuse_channel");
    exec(first.get(), "SELECT pg_advisory_lock(4242)");
    exec(first.get(), "DECLARE reuse_cursor CURSOR WITH HOLD FOR SELECT 1");
  }
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));

  auto second = connect();
  EXPECT_EQ(value(second.get(), "SELECT pg_backend_pid()"), pid) << "not reused";
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_reused_total 1"));
  // What the client was told at startup is what the server now holds.
  EXPECT_STREQ(PQparameterStatus(second.get(), "DateStyle"), "ISO, MDY");
  EXPECT_EQ(value(second.get(), "SHOW DateStyle"), "ISO, MDY");
  EXPECT_STREQ(PQparameterStatus(second.get(), "application_name"), "e2e_reuse");
  EXPECT_EQ(value(second.get(), "SHOW search_path"), "\"$user\", public");
  EXPECT_EQ(value(second.get(), "SELECT to_regclass('reuse_tmp')"), "NULL");
  EXPECT_EQ(value(second.get(), "SELECT count(*) FROM pg_prepared_statements"), "0");
  EXPECT_EQ(value(second.get(), "SELECT count(*) FROM pg_listening_channels()"), "0");
  EXPECT_EQ(value(second.get(), "SELECT count(*) FROM pg_cursors"), "0");
  EXPECT_EQ(value(second.get(), "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = " + pid), "0");
}

TEST_F(ServerReuse, AReusedConnectionCanBeCancelled) {
  connect("e2e_reuse_cancel").reset();
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  auto conn = connect("e2e_reuse_cancel");
  // The replayed BackendKeyData carries this client's own key: a cancel
  // with it reaches the backend.
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_reused_total 1"));
  EXPECT_TRUE(cancel_stops_a_query(conn.get()));
}

TEST_F(ServerReuse, AFreshLoginCanBeCancelledAndKnowsItsBackendsPid) {
  auto conn = connect("e2e_fresh_cancel");
  // The key is pgsleuth's, the process id in it the backend's.
  EXPECT_EQ(std::to_string(PQbackendPID(conn.get())), value(conn.get(), "SELECT pg_backend_pid()"));
  EXPECT_TRUE(cancel_stops_a_query(conn.get()));
}

// A driver's timeout racing its own disconnect: the cancel arrives after
// the client left, while the next client's query runs on the same backend.
TEST_F(ServerReuse, ADepartedClientsLateCancelCancelsNothing) {
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> late(nullptr, PQfreeCancel);
  std::string pid;
  {
    auto first = connect("e2e_late_cancel");
    pid = value(first.get(), "SELECT pg_backend_pid()");
    late.reset(PQgetCancel(first.get()));
  }
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  auto second = connect("e2e_late_cancel");
  ASSERT_EQ(value(second.get(), "SELECT pg_backend_pid()"), pid) << "not the same backend";
  const std::string sql = "SELECT pg_sleep(1.5)";
  ASSERT_EQ(PQsendQuery(second.get(), sql.c_str()), 1);
  ASSERT_TRUE(running(sql));
  char errbuf[256] = {};
  ASSERT_EQ(PQcancel(late.get(), errbuf, sizeof errbuf), 1) << errbuf;  // taken, and ignored
  PgResultPtr result(PQgetResult(second.get()));
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(result.get());
  while (PgResultPtr(PQgetResult(second.get()))) {
  }
  EXPECT_TRUE(cancel_stops_a_query(second.get())) << "the client holding it can still cancel";
}

TEST_F(ServerReuse, OnlyTheSameStartupPacketGetsIt) {
  std::string pid;
  {
    auto first = connect("e2e_reuse_a");
    pid = value(first.get(), "SELECT pg_backend_pid()");
  }
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  auto other = connect("e2e_reuse_b");
  EXPECT_NE(value(other.get(), "SELECT pg_backend_pid()"), pid);
  EXPECT_EQ(value(other.get(), "SHOW application_name"), "e2e_reuse_b");
  auto same = connect("e2e_reuse_a");
  EXPECT_EQ(value(same.get(), "SELECT pg_backend_pid()"), pid);
}

// The decoder, not the size of one read, says what a Terminate is: one
// sent in the same write as a Flush still leaves a backend at rest.
TEST_F(ServerReuse, ATerminateBehindAnotherMessageInOneWriteStillHandsTheServerOn) {
  std::string pid;
  {
    auto first = connect("e2e_reuse_flush_terminate");
    pid = value(first.get(), "SELECT pg_backend_pid()");
    static const char flush_then_terminate[] = {'H', 0, 0, 0, 4, 'X', 0, 0, 0, 4};
    ASSERT_EQ(::send(PQsocket(first.get()), flush_then_terminate, sizeof flush_then_terminate, MSG_NOSIGNAL),
              static_cast<ssize_t>(sizeof flush_then_terminate));
    ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  }
  auto second = connect("e2e_reuse_flush_terminate");
  EXPECT_EQ(value(second.get(), "SELECT pg_backend_pid()"), pid) << "not reused";
}

TEST_F(ServerReuse, AClientLeavingMidTransactionOrMidPipelineTakesItsBackendAlong) {
  std::string in_tx, mid_pipeline;
  {
    auto conn = connect();
    in_tx = value(conn.get(), "SELECT pg_backend_pid()");
    exec(conn.get(), "BEGIN");
    exec(conn.get(), "CREATE TABLE reuse_uncommitted (x int)");
  }
  {
    auto conn = connect();
    mid_pipeline = value(conn.get(), "SELECT pg_backend_pid()");
    ASSERT_EQ(PQenterPipelineMode(conn.get()), 1);
    ASSERT_EQ(PQsendQueryParams(conn.get(), "SELECT 1", 0, nullptr, nullptr, nullptr, nullptr, 0), 1);
    ASSERT_EQ(PQflush(conn.get()), 0);  // sent without a Sync
  }
  EXPECT_TRUE(backend_gone(in_tx));
  EXPECT_TRUE(backend_gone(mid_pipeline));
  EXPECT_EQ(pg().query_value("SELECT to_regclass('reuse_uncommitted') IS NULL"), "t");
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_idle 0"));
}

TEST_F(ServerReuse, APasswordLoginIsNeverHandedOn) {
  std::string pid;
  {
    auto conn = connect("e2e_reuse_scram", kScramUser, std::string("password=") + kScramPassword);
    pid = value(conn.get(), "SELECT pg_backend_pid()");
  }
  EXPECT_TRUE(backend_gone(pid));
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_idle 0"));
  // Had it been kept, a wrong password would now get in.
  PgConnPtr bad(PQconnectdb(proxy_->conninfo("postgres", kScramUser, "application_name=e2e_reuse_scram password=wrong").c_str()));
  EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
}

TEST_F(ServerReuse, TurnedOffTheServersOwnKeyIsPassedOnAndCancels) {
  start({"--no-server-reuse"});
  auto conn = connect("e2e_no_reuse_cancel");
  EXPECT_TRUE(cancel_stops_a_query(conn.get()));
}

TEST_F(ServerReuse, TurnedOffEveryClientGetsANewBackend) {
  start({"--no-server-reuse"});
  std::string pid;
  {
    auto conn = connect();
    pid = value(conn.get(), "SELECT pg_backend_pid()");
  }
  EXPECT_TRUE(backend_gone(pid));
  auto conn = connect();
  EXPECT_NE(value(conn.get(), "SELECT pg_backend_pid()"), pid);
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_reused_total 0"));
}

// Test suites create and drop databases around their runs (Django's test
// database, its clones made from a template): an idle server connection to
// such a database must not make the server refuse with 55006.
TEST_F(ServerReuse, DropDatabaseIsNotBlockedByAnIdleServerConnection) {
  run_psql(pg().port(), "DROP DATABASE IF EXISTS reuse_db");
  ASSERT_EQ(run_psql(pg().port(), "CREATE DATABASE reuse_db").exit_code, 0);
  pq_connect(proxy_->conninfo("reuse_db", "postgres", "application_name=e2e_reuse_db")).reset();
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  auto admin = connect();
  PgResultPtr dropped(PQexec(admin.get(), "DROP DATABASE reuse_db"));
  EXPECT_EQ(PQresultStatus(dropped.get()), PGRES_COMMAND_OK) << PQresultErrorMessage(dropped.get());
}

// A role the server lets in without a password until a test changes
// pg_hba.conf.
constexpr const char* kLifetimeUser = "lifetime_user";

// pg_hba.conf with `line` first, for as long as this lives; each way it
// waits until the server applies it (a direct login as kLifetimeUser
// without a password fails, then works again).
class HbaLineFirst {
 public:
  explicit HbaLineFirst(const std::string& line)
      : path_(PgClusterEnvironment::cluster().query_value("SHOW hba_file")), saved_(read_file(path_)) {
    write_file(path_, line + "\n" + saved_);
    applied_ = reload_until(false);
  }
  ~HbaLineFirst() {
    write_file(path_, saved_);
    EXPECT_TRUE(reload_until(true)) << "pg_hba.conf not restored";
  }
  bool applied() const { return applied_; }

 private:
  static bool reload_until(bool trusted) {
    auto& pg = PgClusterEnvironment::cluster();
    pg.query_value("SELECT pg_reload_conf()");
    return eventually([&] {
      PgConnPtr direct(PQconnectdb(pg.conninfo("postgres", kLifetimeUser).c_str()));
      return (PQstatus(direct.get()) == CONNECTION_OK) == trusted;
    });
  }

  std::filesystem::path path_;
  std::string saved_;
  bool applied_ = false;
};

void ensure_lifetime_user() {
  auto& pg = PgClusterEnvironment::cluster();
  if (pg.query_value(std::string("SELECT count(*) FROM pg_roles WHERE rolname = '") + kLifetimeUser + "'") == "0") {
    pg.query_value(std::string("CREATE ROLE ") + kLifetimeUser + " LOGIN");
  }
}

const std::string kScramForLifetimeUser = std::string("host all ") + kLifetimeUser + " 127.0.0.1/32 scram-sha-256";

// The trade-off of reuse, as the README states it: a reused trust login
// does not see a pg_hba.conf change made after it logged in.
TEST_F(ServerReuse, WithinItsLifetimeAReusedTrustLoginSkipsAPgHbaChange) {
  ensure_lifetime_user();
  connect("e2e_lifetime", kLifetimeUser).reset();
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  HbaLineFirst scram(kScramForLifetimeUser);
  ASSERT_TRUE(scram.applied());
  auto again = connect("e2e_lifetime", kLifetimeUser);
  EXPECT_EQ(value(again.get(), "SELECT current_user"), kLifetimeUser);
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_reused_total 1"));
}

// ... for proxy.server_lifetime_ms after the login, and not after.
TEST_F(ServerReuse, PastItsLifetimeAnIdleServerIsClosedAndPgHbaAppliesAgain) {
  TempDir dir("pgsleuth-lifetime-");
  write_file(dir.path() / "pgsleuth.toml", "[proxy]\nserver_lifetime_ms = 1000\n");
  start({"--config", (dir.path() / "pgsleuth.toml").string()});
  ensure_lifetime_user();
  connect("e2e_lifetime", kLifetimeUser).reset();
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  HbaLineFirst scram(kScramForLifetimeUser);
  ASSERT_TRUE(scram.applied());
  // Closed by its age alone: no client came to ask for it.
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_idle 0"));
  PgConnPtr refused(PQconnectdb(proxy_->conninfo("postgres", kLifetimeUser, "application_name=e2e_lifetime").c_str()));
  EXPECT_EQ(PQstatus(refused.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(refused.get())).find("password"), std::string::npos)
      << PQerrorMessage(refused.get());
  EXPECT_TRUE(metric_reaches("pgsleuth_server_connections_reused_total 0"));
}

TEST_F(ServerReuse, ShutdownClosesIdleServerConnections) {
  std::string pid;
  {
    auto conn = connect();
    pid = value(conn.get(), "SELECT pg_backend_pid()");
  }
  ASSERT_TRUE(metric_reaches("pgsleuth_server_connections_idle 1"));
  EXPECT_EQ(proxy_->stop(), 0) << proxy_->stderr_text();
  proxy_.reset();
  EXPECT_TRUE(backend_gone(pid));
}

}  // namespace
}  // namespace pgsleuth::test::e2e
