// TLS settings and their lifecycle through the pgsleuth binary: bad
// certificate or key files stop the start with one line naming the key,
// SIGHUP gives new connections a new certificate and keeps open ones, and
// hostile handshakes harm only their own connection. Part of e2e_tls_test
// (tls_test.cpp sets the cluster up).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/tls_setup.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

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
