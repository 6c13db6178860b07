// TLS on both legs against a PostgreSQL with ssl = on whose pg_hba.conf
// has only hostssl lines (a managed database's shape), certificates made by
// the test's own CA: clients with sslmode=require and verify-full get what
// they get directly; SCRAM passes in every layout channel binding allows,
// and the one it cannot gets an error that says what to do; bad files stop
// the start; SIGHUP takes a new certificate; hostile handshakes harm only
// their own connection.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/fake_server.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/test_certificates.hpp"

namespace pgsleuth::test::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The CA, the server's certificate, pgsleuth's own (another key), a second
// one of pgsleuth's for the reload, and a client certificate.
class TlsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    try {
      certs() = std::make_unique<TestCertificates>();
      certs()->issue("server", "localhost", true);
      certs()->issue("proxy", "localhost", true);
      certs()->issue("proxy2", "pgsleuth-two", true);
      certs()->issue("client", "postgres", false);
      cluster() = std::make_unique<PgCluster>(
          PgClusterOptions{certs()->cert("server"), certs()->key("server"), /*hostssl_only=*/true});
    } catch (const std::exception& error) {
      FAIL() << "cannot set up TLS: " << error.what();
    }
  }
  void TearDown() override {
    cluster().reset();
    certs().reset();
  }
  static std::unique_ptr<TestCertificates>& certs() {
    static std::unique_ptr<TestCertificates> c;
    return c;
  }
  static std::unique_ptr<PgCluster>& cluster() {
    static std::unique_ptr<PgCluster> c;
    return c;
  }
};

[[maybe_unused]] auto* const tls_env = ::testing::AddGlobalTestEnvironment(new TlsEnvironment);

TestCertificates& certs() { return *TlsEnvironment::certs(); }
PgCluster& pg() { return *TlsEnvironment::cluster(); }
std::string ca() { return certs().ca().string(); }

std::string verify_full() { return "sslmode=verify-full sslrootcert=" + ca(); }

// [client_tls] with pgsleuth's certificate (or `cert`), [server_tls]
// verify-full against the test CA; `more` appends or overrides.
std::string tls_config(const std::string& client_mode, const std::string& cert = "proxy",
                       const std::string& server_mode = "verify-full", const std::string& more = "") {
  return "[client_tls]\nsslmode = \"" + client_mode + "\"\ncert_file = \"" + certs().cert(cert).string() +
         "\"\nkey_file = \"" + certs().key(cert).string() + "\"\nca_file = \"" + ca() +
         "\"\n[server_tls]\nsslmode = \"" + server_mode + "\"\nca_file = \"" + ca() + "\"\n" + more;
}

// A pgsleuth with `config` as its file, in front of `upstream_port`.
struct TlsProxy {
  explicit TlsProxy(const std::string& config, uint16_t upstream_port = 0) : dir("pgsleuth-tls-") {
    write_file(dir.path() / "pgsleuth.toml", config);
    ProxyOptions options;
    options.binary = pgsleuth_binary();
    options.upstream = "127.0.0.1:" + std::to_string(upstream_port ? upstream_port : pg().port());
    options.extra_args = {"--config", (dir.path() / "pgsleuth.toml").string()};
    process = std::make_unique<ProxyProcess>(options);
  }
  ProxyProcess& operator*() { return *process; }
  ProxyProcess* operator->() { return process.get(); }
  std::string conninfo(const std::string& extra, const std::string& user = "postgres") const {
    return process->conninfo("postgres", user, extra);
  }
  TempDir dir;
  std::unique_ptr<ProxyProcess> process;
};

EnvOverrides env_with(EnvOverrides more) {
  EnvOverrides env = clean_pg_env();
  for (auto& [k, v] : more) env[k] = v;
  return env;
}

CommandResult psql(const std::string& conninfo, const std::string& sql, EnvOverrides env = {}) {
  return run_command({"psql", "-X", "-A", "-t", "-q", "-d", conninfo, "-c", sql}, env_with(std::move(env)), 60s);
}

CommandResult scram_psql(const std::string& conninfo, const std::string& sql) {
  return psql(conninfo, sql, {{"PGPASSWORD", kScramPassword}});
}

std::string direct(const std::string& extra, const std::string& user = "postgres") {
  return make_conninfo(pg().port(), "postgres", user, extra);
}

constexpr const char* kUpstreamEncrypted = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

CommandResult run_python(const std::string& script, const std::vector<std::string>& args, EnvOverrides env = {}) {
  std::vector<std::string> argv = {kSystemPython, std::string(E2E_CLIENTS_DIR) + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, env_with(std::move(env)), 60s);
}

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

// ---- config and reload -------------------------------------------------

CommandResult run_pgsleuth(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {pgsleuth_binary(), "--listen", "127.0.0.1:" + std::to_string(free_port()),
                                   "--upstream", "127.0.0.1:" + std::to_string(pg().port())};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, {}, 30s);
}

void expect_config_error(const std::vector<std::string>& args, const std::string& names) {
  auto run = run_pgsleuth(args);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(names), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << "one line: " << run.err;
}

TEST(TlsConfig, BadCertificateOrKeyFileExitsTwoNamingTheKey) {
  TempDir dir("pgsleuth-badtls-");
  write_file(dir.path() / "garbage.pem", "not a certificate\n");
  const std::string garbage = (dir.path() / "garbage.pem").string();
  const std::string cert = certs().cert("proxy").string();
  const std::string key = certs().key("proxy").string();
  expect_config_error({"--client-sslmode", "require", "--client-tls-cert", garbage, "--client-tls-key", key},
                      "client_tls.cert_file = \"" + garbage + "\": not a PEM certificate");
  expect_config_error({"--client-sslmode", "require", "--client-tls-cert", cert, "--client-tls-key", garbage},
                      "client_tls.key_file = \"" + garbage + "\"");
  expect_config_error({"--client-sslmode", "require", "--client-tls-cert", cert, "--client-tls-key",
                       certs().key("server").string()},
                      "does not match client_tls.cert_file");
  expect_config_error({"--client-sslmode", "require", "--client-tls-cert", "/nonexistent.crt", "--client-tls-key", key},
                      "client_tls.cert_file = \"/nonexistent.crt\": cannot read: No such file or directory");
  expect_config_error({"--client-sslmode", "require"}, "client_tls.cert_file = \"\": needed with");
  expect_config_error({"--server-sslmode", "bogus"}, "--server-sslmode 'bogus': must be one of");
  write_file(dir.path() / "c.toml", "[server_tls]\nca_file = \"" + garbage + "\"\n");
  expect_config_error({"--config", (dir.path() / "c.toml").string()}, "server_tls.ca_file = \"" + garbage + "\"");
  expect_config_error({"--check-config", (dir.path() / "c.toml").string()},
                      "server_tls.ca_file = \"" + garbage + "\"");
}

// The text of the certificate pgsleuth shows a new client.
std::string served_certificate(uint16_t port) {
  auto run = run_command({"openssl", "s_client", "-starttls", "postgres", "-connect", "127.0.0.1:" + std::to_string(port)},
                         {}, 20s, "");
  return run.out;
}

TEST(TlsReload, SighupGivesNewConnectionsTheNewCertificateAndKeepsOpenOnes) {
  TempDir dir("pgsleuth-reload-");
  const fs::path cert = dir.path() / "live.crt";
  const fs::path key = dir.path() / "live.key";
  fs::copy_file(certs().cert("proxy"), cert);
  fs::copy_file(certs().key("proxy"), key);
  TlsProxy proxy("[client_tls]\nsslmode = \"require\"\ncert_file = \"" + cert.string() + "\"\nkey_file = \"" +
                 key.string() + "\"\n[server_tls]\nsslmode = \"require\"\n");
  EXPECT_NE(served_certificate(proxy->port()).find("CN = localhost"), std::string::npos);
  auto open = pq_connect(proxy.conninfo(verify_full()));

  fs::copy_file(certs().cert("proxy2"), cert, fs::copy_options::overwrite_existing);
  fs::copy_file(certs().key("proxy2"), key, fs::copy_options::overwrite_existing);
  ASSERT_EQ(::kill(proxy->pid(), SIGHUP), 0);
  ASSERT_TRUE(proxy->log_says("SIGHUP: reloaded")) << proxy->stderr_text();
  EXPECT_TRUE(eventually([&] { return served_certificate(proxy->port()).find("CN = pgsleuth-two") != std::string::npos; }))
      << served_certificate(proxy->port());

  PgResultPtr still(PQexec(open.get(), "SELECT 'still open'"));
  ASSERT_EQ(PQresultStatus(still.get()), PGRES_TUPLES_OK) << PQerrorMessage(open.get());
  EXPECT_STREQ(PQgetvalue(still.get(), 0, 0), "still open");
  auto fresh = psql(proxy.conninfo(verify_full()), "SELECT 'new'");
  EXPECT_EQ(fresh.out, "new\n") << fresh.err;
}

// ---- hostile handshakes --------------------------------------------------

std::string ssl_request() { return std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8); }

// A connection whose SSLRequest got 'S'.
std::unique_ptr<RawSocket> after_yes(uint16_t port) {
  auto socket = std::make_unique<RawSocket>(port);
  EXPECT_TRUE(socket->send_all(ssl_request()));
  auto answer = socket->read_exact(1, 10s);
  EXPECT_EQ(answer.bytes, "S");
  return socket;
}

TEST(TlsHostile, AHandshakeThatStallsIsClosedAtTheLoginTimeout) {
  TlsProxy proxy(tls_config("require", "proxy", "verify-full", "[proxy]\nlogin_timeout_ms = 1500\n"));
  auto stalled = after_yes(proxy->port());
  // Others are served while it stalls.
  auto other = psql(proxy.conninfo(verify_full()), "SELECT 'meanwhile'");
  EXPECT_EQ(other.out, "meanwhile\n") << other.err;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled->wait_closed(20s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_TRUE(proxy->log_says("no startup packet within 1500 ms")) << proxy->stderr_text();
  EXPECT_TRUE(proxy_serving(*proxy));
}

TEST(TlsHostile, GarbageAfterTheYesClosesOnlyThatConnection) {
  TlsProxy proxy(tls_config("require"));
  auto garbage = after_yes(proxy->port());
  std::string junk = "\x16\x03\x01\x00\x40";
  junk += std::string(64, '\x5a');
  ASSERT_TRUE(garbage->send_all(junk));
  EXPECT_TRUE(garbage->wait_closed(10s));
  EXPECT_TRUE(proxy->log_says("client leg: TLS handshake failed")) << proxy->stderr_text();
  EXPECT_TRUE(proxy_serving(*proxy));
}

TEST(TlsHostile, AClientVanishingMidHandshakeHarmsNoOne) {
  TlsProxy proxy(tls_config("require"));
  auto open = pq_connect(proxy.conninfo(verify_full()));
  for (int i = 0; i < 5; ++i) {
    auto gone = after_yes(proxy->port());
    // Half a ClientHello record, then away.
    ASSERT_TRUE(gone->send_all(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
  }
  EXPECT_TRUE(eventually([&] {
    const std::string log = proxy->stderr_text();
    return log.find("client leg: TLS handshake failed") != std::string::npos ||
           log.find("client left during startup") != std::string::npos;
  })) << proxy->stderr_text();
  PgResultPtr still(PQexec(open.get(), "SELECT 'unaffected'"));
  EXPECT_EQ(PQresultStatus(still.get()), PGRES_TUPLES_OK) << PQerrorMessage(open.get());
  EXPECT_TRUE(proxy_serving(*proxy));
}

TEST(TlsHostile, BytesPipelinedBehindTheSslRequestAreRefused) {
  TlsProxy proxy(tls_config("require"));
  RawSocket socket(proxy->port());
  // CVE-2021-3935: a ClientHello (or anything) sent before the answer.
  ASSERT_TRUE(socket.send_all(ssl_request() + std::string("\x16\x03\x01\x00\x05hello", 10)));
  std::string received;
  EXPECT_TRUE(socket.wait_closed(10s, &received));
  EXPECT_EQ(received.find('S'), std::string::npos) << "no S for a pipelined request";
  EXPECT_TRUE(proxy->log_says("SSLRequest repeated or followed by unexpected data")) << proxy->stderr_text();
}

}  // namespace
}  // namespace pgsleuth::test::e2e
