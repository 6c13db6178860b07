#pragma once
// libpq handles that clean up after themselves, for tests that drive libpq
// directly (cancel, pipeline mode, LISTEN/NOTIFY).

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace pgsleuth::test {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// A connection that is up; throws std::runtime_error with libpq's message
// otherwise.
inline PgConnPtr pq_connect(const std::string& conninfo) {
  PgConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("connect (" + conninfo + ") failed: " +
                             (conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  return conn;
}

// The SQLSTATE of a result, "" when it has none.
inline std::string pq_sqlstate(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state ? state : "";
}

}  // namespace pgsleuth::test
