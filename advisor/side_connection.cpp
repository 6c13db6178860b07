#include "advisor/side_connection.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>

#include "common/one_line.hpp"

namespace pgsleuth::advisor {
namespace {

std::string message_of(const PGconn* conn) { return common::one_line(PQerrorMessage(conn)); }

QueryResult result_of(PGconn* conn, PGresult* res) {
  QueryResult out;
  const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    out.ok = true;
    for (int r = 0; r < PQntuples(res); ++r) {
      Row row;
      for (int c = 0; c < PQnfields(res); ++c) {
        if (PQgetisnull(res, r, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
        }
      }
      out.rows.push_back(std::move(row));
    }
  } else {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    out.sqlstate = state ? state : "";
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    out.message = primary ? common::one_line(primary) : message_of(conn);
  }
  PQclear(res);
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> conninfo_of(const SideConnectionSettings& s,
                                                            const std::string& database) {
  std::vector<std::pair<std::string, std::string>> kv = {
      {"host", s.host},
      {"port", std::to_string(s.port)},
      {"dbname", database},
      {"user", s.user},
      {"application_name", "pgsleuth advisor"},
      {"connect_timeout", std::to_string(s.connect_timeout_s)},
      {"client_encoding", "UTF8"},  // what findings carry the sampled values in
      {"sslmode", s.sslmode},
      // Nothing it sends can write, wait on a lock for long or run long.
      // TimeZone: sampled timestamptz values are printed in UTC (binary_param.hpp), and so are the plan's.
      {"options", fmt::format("-c default_transaction_read_only=on -c statement_timeout={} -c lock_timeout={} -c TimeZone=UTC",
                              s.statement_timeout_ms, s.statement_timeout_ms)},
  };
  if (!s.password.empty()) kv.emplace_back("password", s.password);
  if (!s.sslrootcert.empty()) kv.emplace_back("sslrootcert", s.sslrootcert);
  if (!s.sslcert.empty()) kv.emplace_back("sslcert", s.sslcert);
  if (!s.sslkey.empty()) kv.emplace_back("sslkey", s.sslkey);
  return kv;
}

SideConnection::SideConnection(const SideConnectionSettings& settings, const std::string& database) {
  const auto kv = conninfo_of(settings, database);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (!conn_) {
    error_ = "out of memory";
  } else if (PQstatus(conn_) != CONNECTION_OK) {
    error_ = message_of(conn_);
  }
}

SideConnection::~SideConnection() {
  if (conn_) PQfinish(conn_);
}

bool SideConnection::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

QueryResult SideConnection::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  return result_of(conn_, PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                       values.data(), nullptr, nullptr, 0));
}

QueryResult SideConnection::prepare(const std::string& name, const std::string& sql,
                                    const std::vector<uint32_t>& types) {
  std::vector<Oid> oids(types.begin(), types.end());
  return result_of(conn_, PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(oids.size()),
                                    oids.empty() ? nullptr : oids.data()));
}

std::optional<std::string> SideConnection::literal(const std::string& value) {
  char* escaped = PQescapeLiteral(conn_, value.data(), value.size());
  if (!escaped) return std::nullopt;
  std::string out(escaped);
  PQfreemem(escaped);
  return out;
}

}  // namespace pgsleuth::advisor
