#include "tests/support/pg_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test {
namespace {

// pg_hba is first-match: the scram user's line must come before the trust
// lines, which would otherwise let it in without a password.
std::string hba_conf(bool hostssl_only) {
  const std::string host = hostssl_only ? "hostssl" : "host";
  return host + " all " + kScramUser + " 127.0.0.1/32 scram-sha-256\n" +
         "local all all trust\n" +
         host + " all all 127.0.0.1/32 trust\n" +
         host + " replication all 127.0.0.1/32 trust\n" +
         host + " all all ::1/128 trust\n";
}

// postmaster.pid: line 1 the postmaster's pid, line 8 its state ("ready").
bool says_ready(const std::string& pid_file, pid_t pid) {
  std::istringstream lines(pid_file);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (number == 1 && line != std::to_string(pid)) return false;
    if (number == 8) return line.rfind("ready", 0) == 0;
  }
  return false;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

EnvOverrides clean_pg_env() {
  EnvOverrides env;
  for (const char* name : {"PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSSLMODE", "PGOPTIONS",
                           "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGAPPNAME"}) {
    env[name] = "";
  }
  env["PGCONNECT_TIMEOUT"] = "10";
  env["PAGER"] = "cat";
  env["LC_ALL"] = "C.UTF-8";
  return env;
}

std::string make_conninfo(uint16_t port, const std::string& database, const std::string& user,
                          const std::string& extra) {
  std::string info = "host=127.0.0.1 port=" + std::to_string(port) + " dbname=" + database +
                     " user=" + user;
  return extra.empty() ? info : info + " " + extra;
}

CommandResult run_psql(uint16_t port, const std::string& sql, const std::string& database,
                       const std::string& user, std::chrono::milliseconds timeout) {
  return run_command({"psql", "-X", "-A", "-t", "-q", "-d", make_conninfo(port, database, user), "-c", sql},
                     clean_pg_env(), timeout);
}

PgCluster::PgCluster(PgClusterOptions options) : dir_("pgsleuth-pg-"), options_(std::move(options)) {
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but no `postgres` OS user");
    postgres_user_ = SpawnOptions::User{pw->pw_uid, pw->pw_gid};
  }
  auto data = (dir_.path() / "data").string();
  auto init = pg_tool({std::string(kPgBinDir) + "/initdb", "-D", data, "-U", "postgres",
                       "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"});
  if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.out + init.err);
  write_file(dir_.path() / "data" / "pg_hba.conf", hba_conf(options_.hostssl_only));
  if (!options_.ssl_cert_file.empty()) {
    namespace fs = std::filesystem;
    fs::copy_file(options_.ssl_cert_file, dir_.path() / "data" / "server.crt", fs::copy_options::overwrite_existing);
    fs::copy_file(options_.ssl_key_file, dir_.path() / "data" / "server.key", fs::copy_options::overwrite_existing);
    // PostgreSQL refuses a key that others may read.
    fs::permissions(dir_.path() / "data" / "server.key", fs::perms::owner_read | fs::perms::owner_write);
  }
  // Another process may take the port between free_port() and the server's
  // bind; a few attempts make that harmless.
  for (int attempt = 0; attempt < 3 && !server_; ++attempt) try_start(free_port());
  if (!server_) throw std::runtime_error("PostgreSQL did not start:\n" + server_log());
  auto role = psql(std::string("CREATE ROLE ") + kScramUser + " LOGIN PASSWORD '" + kScramPassword + "'");
  if (role.exit_code != 0) throw std::runtime_error("cannot create the scram role: " + role.err);
}

void PgCluster::try_start(uint16_t port) {
  port_ = port;
  write_file(dir_.path() / "data" / "postgresql.auto.conf",
             "listen_addresses = '127.0.0.1'\n"
             "port = " + std::to_string(port_) + "\n" +
             "unix_socket_directories = '" + dir_.path().string() + "'\n" +
             "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
             "password_encryption = 'scram-sha-256'\n"
             // A backend notices a vanished client while a query runs (as a
             // proxy closing its side after the client died looks).
             "client_connection_check_interval = '500ms'\n"
             "max_connections = 100\n" +
             (options_.ssl_cert_file.empty() ? "" : "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"));
  give_to_server_user();
  SpawnOptions spawn;
  spawn.argv = {std::string(kPgBinDir) + "/postgres", "-D", (dir_.path() / "data").string()};
  spawn.env = clean_pg_env();
  spawn.stderr_path = dir_.path() / "server.log";
  spawn.parent_death_signal = SIGQUIT;
  spawn.run_as = postgres_user_;
  auto server = std::make_unique<Subprocess>(spawn);
  // Ready when its own postmaster.pid says so (as pg_ctl -w decides): a
  // connection could reach another server that took the port first.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server->running() && std::chrono::steady_clock::now() < deadline) {
    if (says_ready(read_file(dir_.path() / "data" / "postmaster.pid"), server->pid())) {
      server_ = std::move(server);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server->terminate(std::chrono::seconds(10), SIGQUIT);
}

PgCluster::~PgCluster() { stop(); }

void PgCluster::stop() {
  if (!server_) return;
  server_->terminate(std::chrono::seconds(30), SIGQUIT);  // immediate shutdown
  server_.reset();
}

void PgCluster::stop_immediate() {
  if (!server_) throw std::runtime_error("stop_immediate: the cluster is not running");
  auto stopped = pg_tool({std::string(kPgBinDir) + "/pg_ctl", "stop", "-m", "immediate", "-w", "-D",
                          (dir_.path() / "data").string()});
  if (stopped.exit_code != 0) throw std::runtime_error("pg_ctl stop -m immediate failed: " + stopped.out + stopped.err);
  server_->wait(std::chrono::seconds(30));  // the postmaster is our child: reap it
  server_.reset();
}

void PgCluster::start_again() {
  if (server_) return;
  try_start(port_);
  if (!server_) throw std::runtime_error("PostgreSQL did not start again:\n" + server_log());
}

void PgCluster::give_to_server_user() const {
  // Files written as root (pg_hba.conf, postgresql.auto.conf) must be the
  // server's too.
  if (postgres_user_) run_command({"chown", "-R", "postgres:postgres", dir_.path().string()});
}

CommandResult PgCluster::pg_tool(const std::vector<std::string>& argv) const {
  if (postgres_user_) {
    give_to_server_user();
    std::vector<std::string> wrapped = {"runuser", "-u", "postgres", "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return run_command(wrapped, clean_pg_env(), std::chrono::seconds(60));
  }
  return run_command(argv, clean_pg_env(), std::chrono::seconds(60));
}

std::string PgCluster::query_value(const std::string& sql, const std::string& database) const {
  auto result = psql(sql, database);
  if (result.exit_code != 0) throw std::runtime_error("query failed: " + sql + "\n" + result.err);
  return trim(result.out);
}

std::string PgCluster::server_log() const { return read_file(dir_.path() / "server.log"); }

}  // namespace pgsleuth::test
