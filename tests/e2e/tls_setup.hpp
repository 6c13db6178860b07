#pragma once
// The TLS end-to-end binary's setup (tls_test.cpp registers it): a
// PostgreSQL with ssl = on whose pg_hba.conf has only hostssl lines (a
// managed database's shape), certificates made by the test's own CA, and
// pgsleuth and client helpers.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/test_certificates.hpp"

namespace pgsleuth::test::e2e {

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

inline TestCertificates& certs() { return *TlsEnvironment::certs(); }
inline PgCluster& pg() { return *TlsEnvironment::cluster(); }
inline std::string ca() { return certs().ca().string(); }

inline std::string verify_full() { return "sslmode=verify-full sslrootcert=" + ca(); }

// [client_tls] with pgsleuth's certificate (or `cert`), [server_tls]
// verify-full against the test CA; `more` appends or overrides.
inline std::string tls_config(const std::string& client_mode, const std::string& cert = "proxy",
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

inline EnvOverrides env_with(EnvOverrides more) {
  EnvOverrides env = clean_pg_env();
  for (auto& [k, v] : more) env[k] = v;
  return env;
}

inline CommandResult psql(const std::string& conninfo, const std::string& sql, EnvOverrides env = {}) {
  return run_command({"psql", "-X", "-A", "-t", "-q", "-d", conninfo, "-c", sql}, env_with(std::move(env)), std::chrono::seconds(60));
}

inline CommandResult scram_psql(const std::string& conninfo, const std::string& sql) {
  return psql(conninfo, sql, {{"PGPASSWORD", kScramPassword}});
}

inline std::string direct(const std::string& extra, const std::string& user = "postgres") {
  return make_conninfo(pg().port(), "postgres", user, extra);
}

inline constexpr const char* kUpstreamEncrypted = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

inline CommandResult run_python(const std::string& script, const std::vector<std::string>& args, EnvOverrides env = {}) {
  std::vector<std::string> argv = {kSystemPython, std::string(E2E_CLIENTS_DIR) + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, env_with(std::move(env)), std::chrono::seconds(60));
}

}  // namespace pgsleuth::test::e2e
