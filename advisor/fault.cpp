#include "advisor/fault.hpp"

namespace pgsleuth::advisor {

std::string_view to_string(Fault fault) {
  switch (fault) {
    case Fault::Connect: return "connect";
    case Fault::Login: return "login";
    case Fault::Permission: return "permission";
    case Fault::Timeout: return "timeout";
    case Fault::Plan: return "plan";
    case Fault::ConnectionLost: return "connection_lost";
    case Fault::Statement: return "statement";
    case Fault::Count: break;
  }
  return "statement";
}

Fault login_fault(std::string_view message) {
  for (std::string_view login : {"password authentication failed", "no password supplied", "does not exist",
                                 "pg_hba.conf", "authentication failed", "password"}) {
    if (message.find(login) != std::string_view::npos) {
      // "database \"x\" does not exist" is a login the server refused too.
      return Fault::Login;
    }
  }
  if (message.find("permission denied") != std::string_view::npos) return Fault::Permission;
  return Fault::Connect;
}

Fault statement_fault(std::string_view sqlstate) {
  if (sqlstate.empty()) return Fault::ConnectionLost;
  if (sqlstate == "42501") return Fault::Permission;        // insufficient_privilege
  if (sqlstate == "57014" || sqlstate == "55P03") return Fault::Timeout;  // query_canceled, lock_not_available
  if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return Fault::ConnectionLost;  // connection exception, admin/crash shutdown
  }
  return Fault::Statement;
}

}  // namespace pgsleuth::advisor
