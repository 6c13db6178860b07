#pragma once
// The advisor's own connection to one database (libpq, blocking: it runs on
// the advisor's thread only). Read-only by its session settings, with a
// statement and lock timeout, named 'pgsleuth advisor' in pg_stat_activity.

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace pgsleuth::advisor {

struct SideConnectionSettings {
  std::string host;
  uint16_t port = 5432;
  std::string user;
  std::string password;  // "" when none
  uint32_t statement_timeout_ms = 2000;
  uint32_t connect_timeout_s = 5;
  // libpq's TLS settings, from [server_tls].
  std::string sslmode = "prefer";
  std::string sslrootcert;
  std::string sslcert;
  std::string sslkey;
};

using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  bool ok = false;
  std::vector<Row> rows;
  std::string sqlstate;  // of an error; "" when none came (the connection failed)
  std::string message;   // libpq's, one line
};

class SideConnection {
 public:
  // Connects; check ok() and error() after.
  SideConnection(const SideConnectionSettings& settings, const std::string& database);
  ~SideConnection();
  SideConnection(const SideConnection&) = delete;
  SideConnection& operator=(const SideConnection&) = delete;

  bool ok() const;
  const std::string& error() const { return error_; }

  // One statement over the extended protocol (so a text never runs as two),
  // text parameters, text results.
  QueryResult query(const std::string& sql, const std::vector<std::string>& params = {});
  // A named protocol-level prepared statement with the client's type OIDs.
  QueryResult prepare(const std::string& name, const std::string& sql, const std::vector<uint32_t>& types);
  // A value as a SQL string literal, escaped by libpq for this connection;
  // nullopt when it is not valid in the client encoding.
  std::optional<std::string> literal(const std::string& value);

 private:
  pg_conn* conn_ = nullptr;
  std::string error_;
};

// The conninfo keywords and values for `database` (tests read them).
std::vector<std::pair<std::string, std::string>> conninfo_of(const SideConnectionSettings& s,
                                                            const std::string& database);

}  // namespace pgsleuth::advisor
