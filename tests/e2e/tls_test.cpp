// TLS on both legs through the pgsleuth binary (the cluster and CA:
// tls_setup.hpp): clients with sslmode=require and verify-full get what they
// get directly; SCRAM passes in every layout channel binding allows, and the
// one it cannot gets an error that says what to do; a server leg that fails
// says which leg and why. Settings, reload and hostile handshakes:
// tls_lifecycle_test.cpp, in the same binary.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/tls_setup.hpp"
#include "tests/support/fake_server.hpp"
#include "tests/support/libpq_conn.hpp"

namespace pgsleuth::test::e2e {
namespace {

using namespace std::chrono_literals;

[[maybe_unused]] auto* const tls_env = ::testing::AddGlobalTestEnvironment(new TlsEnvironment);

// ---- client leg and server leg together -------------------------------

TEST(Tls, PsqlWithRequireAndVerifyFullGetsWhatItGetsDirectly) {
  TlsProxy proxy(tls_config("require"));
  const std::string sql =
      "SELECT 1 AS one, 'zwei'::text, now() IS NOT NULL; SELECT count(*) FROM generate_series(1, 5000); "
      // 6 MB, many records each way round the loop, and writes the socket
      // takes only in part.
      "SELECT g, repeat(md5(g::text), 40) FROM generate_series(1, 5000) g; SELECT 1/0";
  for (const std::string& mode : std::vector<std::string>{"sslmode=require", verify_full()}) {
    SCOPED_TRACE(mode);
    auto through = psql(proxy.conninfo(mode), sql);
    auto straight = psql(direct(mode), sql);
    EXPECT_EQ(through.exit_code, straight.exit_code) << through.err;
    EXPECT_EQ(through.out, straight.out);
    EXPECT_EQ(through.err, straight.err);
    EXPECT_NE(straight.err.find("division by zero"), std::string::npos) << straight.err;
    auto upstream = psql(proxy.conninfo(mode), kUpstreamEncrypted);
    EXPECT_EQ(upstream.out, "t\n") << "pg_stat_ssl: the server leg is encrypted; " << upstream.err;
  }
  EXPECT_TRUE(proxy->log_says("client leg: TLSv1.3")) << proxy->stderr_text();
  EXPECT_TRUE(proxy->log_says("server leg: TLSv1.3")) << proxy->stderr_text();
  EXPECT_EQ(proxy->stop(), 0) << proxy->stderr_text();
}

TEST(Tls, PreferGetsTlsOnTheClientLegWhenPgsleuthHasACertificate) {
  TlsProxy proxy(tls_config("prefer"));
  auto info = psql(proxy.conninfo("sslmode=prefer"), "\\conninfo");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("SSL connection (protocol: TLSv1.3"), std::string::npos) << info.out;
  // And a client that does not ask still gets in, in plain text.
  auto plain = psql(proxy.conninfo("sslmode=disable"), "\\conninfo");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("SSL connection"), std::string::npos) << plain.out;
}

TEST(Tls, RequireRefusesAPlainClientWithAReason) {
  TlsProxy proxy(tls_config("require"));
  auto plain = psql(proxy.conninfo("sslmode=disable"), "SELECT 1");
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("pgsleuth: this proxy accepts only TLS connections (client_tls.sslmode = require)"),
            std::string::npos)
      << plain.err;
  EXPECT_TRUE(proxy->log_says("client leg: login without TLS refused")) << proxy->stderr_text();
  EXPECT_TRUE(proxy_serving(*proxy));
}

TEST(Tls, VerifyCaWantsAClientCertificateFromTheCa) {
  TlsProxy proxy(tls_config("verify-ca"));
  const std::string with_cert = "sslmode=require sslcert=" + certs().cert("client").string() +
                                " sslkey=" + certs().key("client").string();
  auto ok = psql(proxy.conninfo(with_cert), "SELECT 'certified'");
  EXPECT_EQ(ok.out, "certified\n") << ok.err << proxy->stderr_text();
  auto without = psql(proxy.conninfo("sslmode=require"), "SELECT 1");
  EXPECT_NE(without.exit_code, 0) << without.out;
  EXPECT_TRUE(proxy->log_says("client leg: TLS handshake failed")) << proxy->stderr_text();
}

TEST(Tls, Psycopg2AndAsyncpgWithVerifyFullGetWhatTheyGetDirectly) {
  TlsProxy proxy(tls_config("require"));
  auto straight = run_python("psycopg2_session.py", {direct(verify_full()), "tls_psycopg2"});
  auto through = run_python("psycopg2_session.py", {proxy.conninfo(verify_full()), "tls_psycopg2"});
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  EXPECT_EQ(through.exit_code, 0) << through.err << proxy->stderr_text();
  EXPECT_EQ(through.out, straight.out);

  // asyncpg takes libpq's environment variables for its TLS settings.
  EnvOverrides tls_env = {{"PGSSLMODE", "verify-full"}, {"PGSSLROOTCERT", ca()}};
  auto a_straight = run_python("asyncpg_session.py", {"127.0.0.1", std::to_string(pg().port()), "tls_asyncpg"}, tls_env);
  auto a_through = run_python("asyncpg_session.py", {"127.0.0.1", std::to_string(proxy->port()), "tls_asyncpg"}, tls_env);
  ASSERT_EQ(a_straight.exit_code, 0) << a_straight.err;
  EXPECT_EQ(a_through.exit_code, 0) << a_through.err << proxy->stderr_text();
  EXPECT_EQ(a_through.out, a_straight.out);
}

TEST(Tls, PgbenchWithRequire) {
  TlsProxy proxy(tls_config("require"));
  EnvOverrides env = {{"PGSSLMODE", "require"}};
  const std::string port = std::to_string(proxy->port());
  auto init = run_command({"pgbench", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-i", "-q", "postgres"},
                          env_with(env), 120s);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto bench = run_command({"pgbench", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-c", "2", "-t", "50",
                            "-n", "postgres"},
                           env_with(env), 120s);
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  EXPECT_NE(bench.out.find("number of transactions actually processed: 100/100"), std::string::npos) << bench.out;
  EXPECT_NE(bench.out.find("number of failed transactions: 0"), std::string::npos) << bench.out;
}

// A server connection handed to a later client keeps its TLS stream: the
// second TLS client gets the same backend, still encrypted.
TEST(Tls, AServerConnectionIsReusedWithItsTls) {
  TlsProxy proxy(tls_config("require"));
  const std::string sql = "SELECT pg_backend_pid(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
  auto first = psql(proxy.conninfo(verify_full()), sql);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(proxy->log_says("server connection kept")) << proxy->stderr_text();
  auto second = psql(proxy.conninfo(verify_full()), sql);
  EXPECT_EQ(second.out, first.out) << "the same backend, over TLS; " << second.err;
  EXPECT_NE(first.out.find("|t"), std::string::npos) << first.out;
}

// libpq sends its cancel on a new plain connection, also to a proxy that
// requires TLS for logins: it reaches the query running over TLS.
TEST(Tls, ACancelReachesAQueryRunningOverTls) {
  TlsProxy proxy(tls_config("require"));
  auto conn = pq_connect(proxy.conninfo(verify_full()));
  const std::string sql = "SELECT pg_sleep(600)";
  ASSERT_EQ(PQsendQuery(conn.get(), sql.c_str()), 1) << PQerrorMessage(conn.get());
  ASSERT_TRUE(eventually([&] {
    return pg().query_value("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = '" + sql + "'") ==
           "1";
  }));
  std::unique_ptr<PGcancel, void (*)(PGcancel*)> cancel(PQgetCancel(conn.get()), PQfreeCancel);
  char errbuf[256] = {};
  ASSERT_EQ(PQcancel(cancel.get(), errbuf, sizeof errbuf), 1) << errbuf;
  PgResultPtr result(PQgetResult(conn.get()));
  while (PgResultPtr(PQgetResult(conn.get()))) {
  }
  EXPECT_EQ(pq_sqlstate(result.get()), "57014") << PQresultErrorMessage(result.get());
}

// The observer reads the decrypted bytes: findings work over TLS.
TEST(Tls, NPlusOneIsFoundWithTlsOnBothLegs) {
  TlsProxy proxy(tls_config("require", "proxy", "verify-full",
                            "[window]\nidle_gap_ms = 1000\n[n_plus_one]\nmin_repeats = 5\n"));
  const std::string script =
      "import sys, psycopg2\n"
      "conn = psycopg2.connect(sys.argv[1], application_name='tls_n_plus_one')\n"
      "cur = conn.cursor()\n"
      "cur.execute('CREATE TEMP TABLE items (id int PRIMARY KEY, name text)')\n"
      "cur.execute('INSERT INTO items SELECT g, g::text FROM generate_series(1, 8) g')\n"
      "cur.execute('SELECT id FROM items ORDER BY id')\n"
      "for (i,) in cur.fetchall():\n"
      "    cur.execute('SELECT name FROM items WHERE id = %s', (i,))\n"
      "    cur.fetchall()\n"
      "conn.close()\n";
  auto run = run_command({kSystemPython, "-c", script, proxy.conninfo(verify_full())}, clean_pg_env(), 60s);
  ASSERT_EQ(run.exit_code, 0) << run.err << proxy->stderr_text();
  ASSERT_EQ(proxy->stop(), 0) << proxy->stderr_text();
  int found = 0;
  std::ifstream lines(proxy->findings_path());
  for (std::string line; std::getline(lines, line);) {
    auto finding = boost::json::parse(line).as_object();
    if (finding.at("kind") != "n_plus_one" || finding.at("application_name") != "tls_n_plus_one") continue;
    ++found;
    EXPECT_EQ(finding.at("count"), 8) << line;
    EXPECT_EQ(finding.at("normalized"), "SELECT name FROM items WHERE id = $1") << line;
  }
  EXPECT_EQ(found, 1) << read_file(proxy->findings_path());
}

// ---- SCRAM and channel binding (pg_hba: hostssl ... scram-sha-256) -----

TEST(TlsScram, PlainClientLegLogsInAndPlusIsLeftOut) {
  TlsProxy proxy(tls_config("prefer"));
  auto login = scram_psql(proxy.conninfo("sslmode=disable", kScramUser), kUpstreamEncrypted);
  EXPECT_EQ(login.out, "t\n") << login.err << proxy->stderr_text();
  EXPECT_TRUE(proxy->log_says("SCRAM-SHA-256-PLUS left out of the server's SASL mechanisms"));
}

TEST(TlsScram, TlsClientLegWithADifferentCertificateLogsInWithoutChannelBinding) {
  TlsProxy proxy(tls_config("require"));
  auto login = scram_psql(proxy.conninfo(verify_full() + " channel_binding=disable", kScramUser), "SELECT 'in'");
  EXPECT_EQ(login.out, "in\n") << login.err << proxy->stderr_text();
}

TEST(TlsScram, DifferentCertificateAndChannelBindingGetsAnErrorThatSaysWhatToDo) {
  TlsProxy proxy(tls_config("require"));
  // libpq's default (channel_binding=prefer) over TLS answers "y": the
  // server would refuse it as a downgrade.
  auto login = scram_psql(proxy.conninfo(verify_full(), kScramUser), "SELECT 1");
  EXPECT_NE(login.exit_code, 0) << login.out;
  EXPECT_NE(login.err.find("SCRAM channel binding cannot pass through pgsleuth"), std::string::npos) << login.err;
  EXPECT_NE(login.err.find("channel_binding=disable"), std::string::npos) << login.err;
  EXPECT_NE(login.err.find("the server's certificate"), std::string::npos) << login.err;
  EXPECT_TRUE(proxy_serving(*proxy));
}

TEST(TlsScram, SameCertificateAsTheServerPassesChannelBindingRequire) {
  TlsProxy proxy(tls_config("require", "server"));
  auto login = scram_psql(proxy.conninfo(verify_full() + " channel_binding=require", kScramUser),
                          kUpstreamEncrypted);
  EXPECT_EQ(login.out, "t\n") << login.err << proxy->stderr_text();
  EXPECT_FALSE(proxy->stderr_text().find("left out") != std::string::npos) << "the list passes untouched";
}

// ---- the server leg ----------------------------------------------------

TEST(TlsServerLeg, APlainServerLegRefusedByHostsslSaysSo) {
  TlsProxy proxy(tls_config("disable", "proxy", "disable"));
  auto login = psql(proxy.conninfo("sslmode=disable"), "SELECT 1");
  EXPECT_NE(login.exit_code, 0);
  EXPECT_NE(login.err.find("no encryption"), std::string::npos) << login.err;
  EXPECT_TRUE(proxy->log_says("server leg: upstream 127.0.0.1:" + std::to_string(pg().port()) +
                              " refused the login because the server leg is not encrypted (server_tls.sslmode = "
                              "disable)"))
      << proxy->stderr_text();
}

TEST(TlsServerLeg, RequireAgainstAServerWithoutTlsFailsWithAReason) {
  FakeServer fake({});  // answers N to SSLRequest
  TlsProxy proxy(tls_config("disable", "proxy", "require"), fake.port());
  auto login = psql(proxy.conninfo("sslmode=disable"), "SELECT 1");
  EXPECT_NE(login.exit_code, 0);
  EXPECT_NE(login.err.find("server leg to upstream"), std::string::npos) << login.err;
  EXPECT_NE(login.err.find("the server does not support TLS"), std::string::npos) << login.err;
  EXPECT_TRUE(proxy->log_says("(server_tls.sslmode = require)")) << proxy->stderr_text();
}

// libpq's prefer: a handshake that fails (here: a CA that did not sign the
// server's certificate) is tried again in plain text, which this
// hostssl-only server then refuses, and the log says both.
TEST(TlsServerLeg, PreferTriesPlainTextAfterAFailedHandshake) {
  TlsProxy proxy("[server_tls]\nsslmode = \"prefer\"\nca_file = \"" + certs().cert("client").string() + "\"\n");
  auto login = psql(proxy.conninfo("sslmode=disable"), "SELECT 1");
  EXPECT_NE(login.exit_code, 0);
  EXPECT_NE(login.err.find("no encryption"), std::string::npos) << login.err;
  EXPECT_TRUE(proxy->log_says("server_tls.sslmode = prefer: trying again without TLS")) << proxy->stderr_text();
  EXPECT_TRUE(proxy->log_says("refused the login because the server leg is not encrypted")) << proxy->stderr_text();
}

TEST(TlsServerLeg, VerifyFullRefusesAServerItCannotVerify) {
  // No CA file: the system's store, which does not know the test CA.
  TlsProxy proxy("[server_tls]\nsslmode = \"verify-full\"\n");
  auto login = psql(proxy.conninfo("sslmode=disable"), "SELECT 1");
  EXPECT_NE(login.exit_code, 0);
  EXPECT_NE(login.err.find("certificate verify failed"), std::string::npos) << login.err;
}

}  // namespace
}  // namespace pgsleuth::test::e2e
