#pragma once
// A throwaway PostgreSQL 15 cluster for tests: initdb into a temp dir, listen
// on 127.0.0.1 at a free port (unix socket inside the temp dir), fsync off.
// Started in the constructor, stopped (immediate shutdown) and deleted in the
// destructor. The postmaster is a direct child of the test process (not
// daemonized by pg_ctl) that gets SIGQUIT, an immediate shutdown, if the test
// process dies first. When running as root the server runs as the `postgres`
// OS user.
//
// Roles: `postgres` (superuser, trust), and kScramUser, a login role with
// kScramPassword that must authenticate with scram-sha-256 over TCP.
// Databases: `postgres`.
// client_connection_check_interval is 500ms, so a backend whose client
// connection closes goes away within about a second even mid-query.

#include <boost/core/noncopyable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test {

inline constexpr const char* kPgBinDir = "/usr/lib/postgresql/15/bin";
inline constexpr const char* kScramUser = "scram_user";
inline constexpr const char* kScramPassword = "s3cret-pw";

// "host=127.0.0.1 port=P dbname=D user=U" (plus any `extra` key=value pairs).
std::string make_conninfo(uint16_t port, const std::string& database, const std::string& user,
                          const std::string& extra = {});

// psql -X -A -t -q against 127.0.0.1:port with `sql` as -c, with PGPASSWORD
// etc. cleared so the caller's environment cannot change the outcome.
CommandResult run_psql(uint16_t port, const std::string& sql, const std::string& database = "postgres",
                       const std::string& user = "postgres",
                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Environment for client programs (psql, pgbench, python drivers) that keeps
// the caller's PG* variables from leaking in.
EnvOverrides clean_pg_env();

struct PgClusterOptions {
  // Non-empty: ssl = on, serving this certificate and key (PEM; copied
  // into the data directory).
  std::filesystem::path ssl_cert_file;
  std::filesystem::path ssl_key_file;
  // pg_hba.conf takes TCP logins over TLS only (hostssl lines), as a
  // managed database does.
  bool hostssl_only = false;
};

class PgCluster : boost::noncopyable {
 public:
  // Throws std::runtime_error (with the server log) when it cannot start.
  explicit PgCluster(PgClusterOptions options = {});
  ~PgCluster();

  uint16_t port() const { return port_; }
  std::string conninfo(const std::string& database = "postgres",
                       const std::string& user = "postgres") const {
    return make_conninfo(port_, database, user);
  }
  // psql -c `sql` directly against the cluster.
  CommandResult psql(const std::string& sql, const std::string& database = "postgres",
                     const std::string& user = "postgres") const {
    return run_psql(port_, sql, database, user);
  }
  // The trimmed output of a query that must succeed; throws with psql's
  // stderr otherwise.
  std::string query_value(const std::string& sql, const std::string& database = "postgres") const;
  // The server log so far (for failure messages).
  std::string server_log() const;
  // The postmaster's pid (its backends are in its process group).
  pid_t server_pid() const { return server_ ? server_->pid() : -1; }

  void stop();
  // `pg_ctl stop -m immediate`: the postmaster and its backends quit at
  // once, without a checkpoint, as in a crash. Then start_again() brings the
  // same data directory back on the same port (crash recovery included).
  // Both throw std::runtime_error with the server log when they fail.
  void stop_immediate();
  void start_again();

 private:
  CommandResult pg_tool(const std::vector<std::string>& argv) const;
  void give_to_server_user() const;
  void try_start(uint16_t port);

  TempDir dir_;
  PgClusterOptions options_;
  uint16_t port_ = 0;
  std::optional<SpawnOptions::User> postgres_user_;  // set when running as root
  std::unique_ptr<Subprocess> server_;
};

}  // namespace pgsleuth::test
