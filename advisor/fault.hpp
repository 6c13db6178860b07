#pragma once
// What went wrong on the advisor's side, by cause: each counted in
// pgsleuth_advisor_faults_total{cause} and logged once per cause and
// database, never shown to a client.

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace pgsleuth::advisor {

enum class Fault {
  Connect,         // the server could not be reached or refused the connection
  Login,           // refused the login: no such role, wrong or missing password, pg_hba
  Permission,      // permission denied (a table, the database's CONNECT)
  Timeout,         // statement_timeout or lock_timeout
  Plan,            // a plan that cannot be read
  ConnectionLost,  // the connection died while in use
  Statement,       // the statement could not be explained (any other error)
  Count
};

std::string_view to_string(Fault fault);

// The cause of a failed login from libpq's message (libpq 15 gives no
// SQLSTATE for it).
Fault login_fault(std::string_view message);
// The cause of a failed statement from its SQLSTATE ("" when none came:
// the connection failed under it).
Fault statement_fault(std::string_view sqlstate);

// Remembers which (cause, database) pairs were logged.
class FaultLog {
 public:
  // True the first time for this pair: log it then.
  bool first(Fault fault, const std::string& database) {
    if (seen_.size() >= kMaxPairs) return false;
    return seen_.emplace(fault, database).second;
  }

 private:
  static constexpr size_t kMaxPairs = 4096;
  std::set<std::pair<Fault, std::string>> seen_;
};

}  // namespace pgsleuth::advisor
