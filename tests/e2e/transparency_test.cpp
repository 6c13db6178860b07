// Clients get through pgsleuth exactly what they get from PostgreSQL
// directly: psql output, large results, COPY, notifications, cancel, SCRAM
// authentication and pipeline mode.
#include <gtest/gtest.h>
#include <poll.h>

#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test::e2e {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

using namespace std::chrono_literals;

class Transparency : public ProxiedTest {};

CommandResult psql_args(uint16_t port, const std::vector<std::string>& args,
                        const std::string& extra_conninfo = {}) {
  std::vector<std::string> argv = {"psql", "-X", "-d", make_conninfo(port, "postgres", "postgres", extra_conninfo)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, clean_pg_env(), 60s);
}

TEST_F(Transparency, PsqlScriptOutputIsIdentical) {
  TempDir dir("pgsleuth-e2e-");
  write_file(dir.path() / "script.sql", R"SQL(
SELECT 1 AS one, 'two' AS two, NULL AS nothing;
SELECT g, md5(g::text) FROM generate_series(1, 20) g;
SELECT 1/0;
DO $$ BEGIN RAISE NOTICE 'hello from DO %', 42; END $$;
CREATE TEMP TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t VALUES (1, 'a'), (2, E'tab\there'), (3, 'ünïcødé');
INSERT INTO t VALUES (1, 'dup');
BEGIN;
SELECT * FROM t ORDER BY id;
SELECT nosuchcolumn FROM t;
SELECT 1;
ROLLBACK;
\set VERBOSITY verbose
SELECT * FROM nosuchtable;
SELECT current_database(), current_user;
\echo done
)SQL");
  auto direct = psql_args(pg().port(), {"-f", (dir.path() / "script.sql").string()});
  auto proxied = psql_args(proxy().port(), {"-f", (dir.path() / "script.sql").string()});
  EXPECT_EQ(proxied.exit_code, direct.exit_code);
  EXPECT_EQ(mask_port(proxied.out, proxy().port()), mask_port(direct.out, pg().port()));
  EXPECT_EQ(mask_port(proxied.err, proxy().port()), mask_port(direct.err, pg().port()));
  // The script really exercised errors and notices.
  EXPECT_NE(direct.err.find("division by zero"), std::string::npos) << direct.err;
  EXPECT_NE(direct.err.find("NOTICE:  hello from DO 42"), std::string::npos) << direct.err;
  EXPECT_NE(direct.out.find("done"), std::string::npos) << direct.out;
}

// Replication connections are streamed without analysis: the walsender
// answers as it does directly, and no statement events come of it.
TEST_F(Transparency, ReplicationConnectionPassesThroughUnanalysed) {
  const std::vector<std::string> args = {"-A", "-t", "-F", " ", "-c", "IDENTIFY_SYSTEM"};
  auto direct = psql_args(pg().port(), args, "replication=true application_name=e2e_direct_walsender");
  auto proxied = psql_args(proxy().port(), args, "replication=true application_name=e2e_walsender");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  ASSERT_EQ(proxied.exit_code, 0) << proxied.err;
  // systemid and timeline; the WAL position may move between the two calls.
  auto head = [](const std::string& out) { return out.substr(0, out.find(' ', out.find(' ') + 1)); };
  EXPECT_EQ(head(proxied.out), head(direct.out));
  EXPECT_FALSE(head(direct.out).empty());
  // A normal session afterwards still produces events, so their absence
  // for the walsender is not just lateness.
  auto after = psql_args(proxy().port(), {"-c", "SELECT 'after walsender'"}, "application_name=e2e_after");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  auto all = proxy().events().poll_until(
      [](const JsonEvents& events) { return !statements_containing(events, "e2e_after", "after walsender").empty(); });
  ASSERT_FALSE(statements_containing(all, "e2e_after", "after walsender").empty());
  // The walsender's connection was seen (so the next check means something).
  ASSERT_FALSE(connections_of_application(all, "e2e_walsender").empty());
  EXPECT_TRUE(statements_of(all, connections_of_application(all, "e2e_walsender")).empty());
}

TEST_F(Transparency, TenMegabyteResultIsByteIdentical) {
  TempDir dir("pgsleuth-e2e-");
  // Prints the byte count, then the md5 of psql's unaligned output.
  auto size_and_md5 = [&](uint16_t port) {
    auto env = clean_pg_env();
    env["CONN"] = make_conninfo(port, "postgres", "postgres");
    env["SQL"] = "SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 10000) g";
    env["FILE"] = (dir.path() / ("result-" + std::to_string(port))).string();
    return run_command({"sh", "-c", "psql -X -A -t -d \"$CONN\" -c \"$SQL\" -o \"$FILE\" && "
                                    "wc -c < \"$FILE\" && md5sum < \"$FILE\""},
                       env, 60s);
  };
  auto direct = size_and_md5(pg().port());
  auto proxied = size_and_md5(proxy().port());
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  ASSERT_EQ(proxied.exit_code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, direct.out);
  EXPECT_GT(std::stoll(direct.out), 10'000'000) << direct.out;
}

TEST_F(Transparency, CopyRoundTrip) {
  ASSERT_EQ(pg().psql("DROP TABLE IF EXISTS copy_src, copy_dst; "
                      "CREATE TABLE copy_src AS SELECT g AS id, md5(g::text) || E'\\t' || g AS body, "
                      "CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.5 END AS amount "
                      "FROM generate_series(1, 50000) g; "
                      "CREATE TABLE copy_dst (LIKE copy_src)").exit_code, 0);
  TempDir dir("pgsleuth-e2e-");
  auto via_proxy = dir.path() / "via_proxy.tsv";
  auto direct_file = dir.path() / "direct.tsv";
  auto out_p = psql_args(proxy().port(), {"-c", "\\copy copy_src TO '" + via_proxy.string() + "'"});
  auto out_d = psql_args(pg().port(), {"-c", "\\copy copy_src TO '" + direct_file.string() + "'"});
  ASSERT_EQ(out_p.exit_code, 0) << out_p.err;
  ASSERT_EQ(out_d.exit_code, 0) << out_d.err;
  auto exported = read_file(via_proxy);
  EXPECT_GT(exported.size(), 1'000'000u);
  EXPECT_TRUE(exported == read_file(direct_file)) << "COPY TO output differs through the proxy";

  auto in_p = psql_args(proxy().port(), {"-c", "\\copy copy_dst FROM '" + via_proxy.string() + "'"});
  ASSERT_EQ(in_p.exit_code, 0) << in_p.err;
  EXPECT_EQ(in_p.out, "COPY 50000\n");
  EXPECT_EQ(pg().query_value("SELECT count(*), md5(string_agg(t::text, '|' ORDER BY id)) FROM copy_dst t"),
            pg().query_value("SELECT count(*), md5(string_agg(t::text, '|' ORDER BY id)) FROM copy_src t"));

  // A bad COPY FROM row fails with the server's error, as directly.
  std::string bad_row = "1\tx\tnot-a-number\n\\.\n";
  auto bad = [&](uint16_t port) {
    return run_command({"psql", "-X", "-d", make_conninfo(port, "postgres", "postgres"), "-c",
                        "\\copy copy_dst FROM STDIN"},
                       clean_pg_env(), 30s, bad_row);
  };
  auto bad_direct = bad(pg().port());
  auto bad_proxied = bad(proxy().port());
  EXPECT_NE(bad_direct.exit_code, 0);
  EXPECT_EQ(bad_proxied.exit_code, bad_direct.exit_code);
  EXPECT_EQ(bad_proxied.err, bad_direct.err);
}

TEST_F(Transparency, ListenNotifyIsDelivered) {
  auto listener = pq_connect(proxy().conninfo());
  auto sender = pq_connect(proxy().conninfo());
  PgResultPtr listen(PQexec(listener.get(), "LISTEN pgsleuth_chan"));
  ASSERT_EQ(PQresultStatus(listen.get()), PGRES_COMMAND_OK);
  PgResultPtr notify(PQexec(sender.get(), "NOTIFY pgsleuth_chan, 'payload-42'"));
  ASSERT_EQ(PQresultStatus(notify.get()), PGRES_COMMAND_OK);

  PGnotify* received = nullptr;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (received == nullptr && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{PQsocket(listener.get()), POLLIN, 0};
    ::poll(&pfd, 1, 100);
    ASSERT_EQ(PQconsumeInput(listener.get()), 1) << PQerrorMessage(listener.get());
    received = PQnotifies(listener.get());
  }
  ASSERT_NE(received, nullptr) << "no notification within 5 s";
  EXPECT_STREQ(received->relname, "pgsleuth_chan");
  EXPECT_STREQ(received->extra, "payload-42");
  // BackendKeyData reaches the client unchanged, so the pid is the sender's.
  EXPECT_EQ(received->be_pid, PQbackendPID(sender.get()));
  PQfreemem(received);
}

TEST_F(Transparency, PgSleepIsCancelledThroughTheProxy) {
  auto conn = pq_connect(proxy().conninfo("postgres", "postgres", "application_name=e2e_cancel"));
  ASSERT_EQ(PQsendQuery(conn.get(), "SELECT pg_sleep(600)"), 1);
  // Cancel only once the server runs it, so the cancel is what ends it.
  ASSERT_TRUE(eventually([] {
    return pg().query_value("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                            "'e2e_cancel' AND state = 'active' AND query LIKE '%pg_sleep%'") == "1";
  })) << "pg_sleep never became active";

  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel(PQgetCancel(conn.get()), PQfreeCancel);
  char errbuf[256] = {};
  ASSERT_EQ(PQcancel(cancel.get(), errbuf, sizeof errbuf), 1) << errbuf;
  PgResultPtr result(PQgetResult(conn.get()));
  ASSERT_NE(result, nullptr);
  // 57014 (query_canceled): the cancel, not the end of the sleep, ended it.
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_FATAL_ERROR);
  EXPECT_EQ(pq_sqlstate(result.get()), "57014") << PQresultErrorMessage(result.get());
  while (PgResultPtr(PQgetResult(conn.get()))) {
  }
  PgResultPtr after(PQexec(conn.get(), "SELECT 'usable'"));
  ASSERT_EQ(PQresultStatus(after.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  EXPECT_STREQ(PQgetvalue(after.get(), 0, 0), "usable");
}

TEST_F(Transparency, ScramUserLogsInAndWrongPasswordFailsAsDirect) {
  auto conn = pq_connect(proxy().conninfo("postgres", kScramUser, std::string("password=") + kScramPassword));
  PgResultPtr who(PQexec(conn.get(), "SELECT current_user"));
  ASSERT_EQ(PQresultStatus(who.get()), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(who.get(), 0, 0), kScramUser);

  auto failed_message = [](const std::string& conninfo) {
    PgConnPtr bad(PQconnectdb(conninfo.c_str()));
    EXPECT_EQ(PQstatus(bad.get()), CONNECTION_BAD);
    return std::string(PQerrorMessage(bad.get()));
  };
  auto direct = failed_message(pg().conninfo("postgres", kScramUser) + " password=wrong");
  auto proxied = failed_message(proxy().conninfo("postgres", kScramUser, "password=wrong"));
  EXPECT_NE(direct.find("password authentication failed for user \"scram_user\""), std::string::npos) << direct;
  EXPECT_EQ(mask_port(proxied, proxy().port()), mask_port(direct, pg().port()));
}

// What a pipeline returned, one line per result, for comparison.
std::string run_pipeline(const std::string& conninfo) {
  auto conn = pq_connect(conninfo);
  PGconn* c = conn.get();
  if (PQenterPipelineMode(c) != 1) return "cannot enter pipeline mode";
  auto send = [&](const char* sql, const char* param) {
    const char* values[] = {param};
    return PQsendQueryParams(c, sql, 1, nullptr, values, nullptr, nullptr, 0);
  };
  send("SELECT $1::int + 1", "41");
  send("SELECT g FROM generate_series(1, $1::int) g", "3");
  send("SELECT 1 / $1::int", "0");
  send("SELECT $1::text", "never-run");
  PQpipelineSync(c);
  send("SELECT $1::text || 'after'", "sync-");
  PQpipelineSync(c);

  std::string out;
  int syncs = 0;
  for (int guard = 0; syncs < 2 && guard < 100; ++guard) {
    PgResultPtr result(PQgetResult(c));
    if (!result) continue;  // end of one query's results
    ExecStatusType status = PQresultStatus(result.get());
    out += PQresStatus(status);
    if (status == PGRES_PIPELINE_SYNC) ++syncs;
    if (status == PGRES_FATAL_ERROR) out += " " + pq_sqlstate(result.get()) + " " + PQresultErrorMessage(result.get());
    for (int row = 0; row < PQntuples(result.get()); ++row) out += std::string(" ") + PQgetvalue(result.get(), row, 0);
    out += "\n";
  }
  return out;
}

TEST_F(Transparency, PipelineWithErrorMidwayMatchesDirect) {
  auto direct = run_pipeline(pg().conninfo());
  auto proxied = run_pipeline(proxy().conninfo("postgres", "postgres", "application_name=e2e_pipeline"));
  EXPECT_EQ(direct,
            "PGRES_TUPLES_OK 42\n"
            "PGRES_TUPLES_OK 1 2 3\n"
            "PGRES_FATAL_ERROR 22012 ERROR:  division by zero\n\n"
            "PGRES_PIPELINE_ABORTED\n"
            "PGRES_PIPELINE_SYNC\n"
            "PGRES_TUPLES_OK sync-after\n"
            "PGRES_PIPELINE_SYNC\n");
  EXPECT_EQ(proxied, direct);

  // The statement events are the executes that ran, with their parameters;
  // the aborted one never ran.
  auto events = proxy().events().poll_until(
      [](const JsonEvents& all) { return statements_containing(all, "e2e_pipeline", "after").size() == 1; });
  auto ran = statements_of(events, connections_of_application(events, "e2e_pipeline"));
  ASSERT_EQ(ran.size(), 4u) << proxy().events().path();
  const char* sqls[] = {"SELECT $1::int + 1", "SELECT g FROM generate_series(1, $1::int) g",
                        "SELECT 1 / $1::int", "SELECT $1::text || 'after'"};
  const char* params[] = {"41", "3", "0", "sync-"};
  const int64_t rows[] = {1, 3, 0, 1};
  const char* tags[] = {"SELECT 1", "SELECT 3", "", "SELECT 1"};
  const char* states[] = {"", "", "22012", ""};
  for (size_t i = 0; i < ran.size(); ++i) {
    SCOPED_TRACE(boost::json::serialize(ran[i]));
    EXPECT_EQ(string_field(ran[i], "sql"), sqls[i]);
    EXPECT_EQ(ran[i].at("extended"), true);
    EXPECT_EQ(ran[i].at("params"), boost::json::array({params[i]}));
    EXPECT_EQ(ran[i].at("rows").to_number<int64_t>(), rows[i]);
    EXPECT_EQ(string_field(ran[i], "command_tag"), tags[i]);
    EXPECT_EQ(string_field(ran[i], "sqlstate"), states[i]);
  }
}

}  // namespace
}  // namespace pgsleuth::test::e2e
