#pragma once
// One libpq connection to a findings store whose every wait is bounded: a
// connect or a statement that outlives its deadline, or is aborted, fails
// like a broken connection instead of holding the thread (a store behind a
// black hole must not keep pgsleuth from shutting down).

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pgsleuth::sinks {

// what() is one line without the URL's password.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Deadline = std::chrono::steady_clock::time_point;

struct PgConnFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};

struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

class PgSession {
 public:
  // Throws StoreError. `abort`, when set, ends every wait early.
  PgSession(const std::string& url, Deadline deadline, const std::atomic<bool>* abort = nullptr);
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // Runs `sql` (several statements allowed without params) and returns the
  // last result; throws StoreError on the first error, on the deadline or
  // on abort. The connection is unusable after a throw.
  PgResult exec(const std::string& sql, const std::vector<std::string>& params, Deadline deadline);


 private:
  // Waits until the socket is readable (or writable); false on deadline/abort.
  bool wait_socket(bool for_write, Deadline deadline) const;
  [[noreturn]] void fail(const std::string& what) const;

  std::string url_;
  std::unique_ptr<PGconn, PgConnFinish> conn_;  // a member: finished when the constructor throws too
  const std::atomic<bool>* abort_;
};

}  // namespace pgsleuth::sinks
