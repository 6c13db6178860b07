// The test harness itself, against PostgreSQL directly: if these fail, the
// proxy tests cannot be trusted either way.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <csignal>

#include "tests/support/event_log.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/pg_environment.hpp"
#include "tests/support/pg_wire.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/subprocess.hpp"

namespace pgsleuth::test {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

TEST(RunCommand, CapturesOutputsAndExitCode) {
  auto result = run_command({"sh", "-c", "cat; echo err >&2; exit 3"}, {{"X", "1"}},
                            std::chrono::seconds(10), "in\n");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.out, "in\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(RunCommand, KillsWhatOutlivesItsTimeout) {
  auto started = std::chrono::steady_clock::now();
  auto result = run_command({"sh", "-c", "sleep 30 | cat"}, {}, std::chrono::milliseconds(300));
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(RunCommand, ReportsAProgramThatDoesNotExist) {
  EXPECT_THROW(run_command({"/nonexistent/program"}), std::runtime_error);
}

TEST(RunCommand, SystemPythonHasTheDrivers) {
  auto result = run_command({kSystemPython, "-c", "import psycopg2, asyncpg; print('ok')"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "ok\n");
}

TEST(SanitizerReport, IsCutFromItsFirstLineToItsSummary) {
  const std::string ubsan =
      "/src/a.cpp:3:48: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'\n"
      "    #0 0x55f16785a56c in main /src/a.cpp:3:48\n\n"
      "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /src/a.cpp:3:48 in ";
  EXPECT_EQ(sanitizer_report("[debug] before\n" + ubsan + "\n"), ubsan);
  const std::string leak =
      "==11945==ERROR: LeakSanitizer: detected memory leaks\n\n"
      "Direct leak of 77 byte(s) in 1 object(s) allocated from:\n"
      "    #0 0x55b46d48b14e in malloc (/tmp/leak+0xa414e)\n\n"
      "SUMMARY: AddressSanitizer: 77 byte(s) leaked in 1 allocation(s).";
  EXPECT_EQ(sanitizer_report("listening on 127.0.0.1:1\n" + leak + "\n"), leak);
  EXPECT_EQ(sanitizer_report("ERROR:  relation \"t\" does not exist\nSUMMARY: 3 tests passed\n"), "");
}

void start_child_reporting_a_leak() {
  run_command({"sh", "-c",
               "echo '==1==ERROR: LeakSanitizer: detected memory leaks' >&2; "
               "echo 'SUMMARY: AddressSanitizer: 77 byte(s) leaked in 1 allocation(s).' >&2"});
}

// So a report in pgsleuth behind a fixture fails the test, whatever the test
// checks of its exit status.
TEST(SanitizerReport, InAChildsStderrFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(start_child_reporting_a_leak(), "LeakSanitizer: detected memory leaks");
}

TEST(PgCluster, AnswersQueriesAsSuperuser) {
  auto& pg = PgClusterEnvironment::cluster();
  EXPECT_EQ(pg.query_value("SELECT current_user || ' ' || current_setting('fsync')"), "postgres off");
  EXPECT_EQ(pg.query_value("SHOW listen_addresses"), "127.0.0.1");
}

TEST(PgCluster, ScramUserNeedsItsPassword) {
  auto& pg = PgClusterEnvironment::cluster();
  auto good = pq_connect(pg.conninfo("postgres", kScramUser) + " password=" + kScramPassword);
  PgResultPtr who(PQexec(good.get(), "SELECT current_user"));
  ASSERT_EQ(PQresultStatus(who.get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(who.get(), 0, 0), kScramUser);
  EXPECT_EQ(pg.query_value(std::string("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = '") + kScramUser + "'"), "t");

  PgConnPtr bad(PQconnectdb((pg.conninfo("postgres", kScramUser) + " password=wrong").c_str()));
  EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(bad.get())).find("password authentication failed"), std::string::npos);
}

TEST(PgWire, SpeaksTheProtocolByHand) {
  auto& pg = PgClusterEnvironment::cluster();
  RawSocket socket(pg.port());
  ASSERT_TRUE(socket.send_all(wire::ssl_request()));
  auto answer = socket.read_exact(1, std::chrono::seconds(5));
  EXPECT_EQ(answer.bytes, "N");
  ASSERT_TRUE(socket.send_all(wire::startup_message({{"user", "postgres"}, {"database", "postgres"}})));
  ASSERT_TRUE(wire::read_until_ready(socket, std::chrono::seconds(5)));
  ASSERT_TRUE(socket.send_all(wire::query("SELECT 1/0")));
  std::optional<wire::BackendMessage> error;
  ASSERT_TRUE(wire::read_until_ready(socket, std::chrono::seconds(5), &error));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(wire::error_fields(error->body)['C'], "22012");
}

TEST(EventLog, ReadsCompleteLinesOnly) {
  TempDir dir("pgsleuth-events-");
  write_file(dir.path() / "e.jsonl",
             "{\"type\":\"connection_opened\",\"connection_id\":7,\"application_name\":\"app\"}\n"
             "{\"type\":\"statement\",\"connection_id\":7,\"sql\":\"SELECT 1\"}\n"
             "{\"type\":\"statement\",\"connection_id\":8,\"sql\":\"SELECT 2\"}\n"
             "{\"type\":\"statem");
  EventLog log(dir.path() / "e.jsonl");
  auto events = log.read_all();
  ASSERT_EQ(events.size(), 3u);
  auto mine = statements_containing(events, "app", "SELECT");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(string_field(mine[0], "sql"), "SELECT 1");

  write_file(dir.path() / "bad.jsonl", "not json\n");
  EXPECT_THROW(EventLog(dir.path() / "bad.jsonl").read_all(), std::runtime_error);
}

}  // namespace
}  // namespace pgsleuth::test
