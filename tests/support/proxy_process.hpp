#pragma once
// The pgsleuth binary running as a child process for end-to-end tests:
//   pgsleuth --listen 127.0.0.1:<free port> --upstream <upstream>
//            --findings <tmp>/findings.jsonl --events <tmp>/events.jsonl
//            --log-level debug <extra args>
// Ready once its stderr says "listening on"; stderr is kept in a file for
// failure messages.

#include <boost/core/noncopyable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/event_log.hpp"
#include "tests/support/poll.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test {

struct ProxyOptions {
  std::filesystem::path binary;  // the built pgsleuth (PGSLEUTH_BINARY in tests)
  std::string upstream;          // HOST:PORT
  std::vector<std::string> extra_args;
  std::chrono::milliseconds ready_timeout = kSettleTimeout;
};

class ProxyProcess : boost::noncopyable {
 public:
  // Starts the proxy and waits until it listens. Throws std::runtime_error
  // with the proxy's stderr when it exits or stays silent for ready_timeout.
  explicit ProxyProcess(ProxyOptions options);
  // Stops it if still running (SIGTERM, SIGKILL after 10 s).
  ~ProxyProcess();

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string conninfo(const std::string& database = "postgres", const std::string& user = "postgres",
                       const std::string& extra = {}) const;
  bool running() { return process_ && process_->running(); }
  // SIGTERM; waits up to `grace`, then SIGKILL. Returns the exit status
  // (128 + signal when killed). The default is a deadline, not an expected
  // time: pgsleuth's own shutdown is bounded by shutdown_grace_ms twice
  // (connections, then analysis), 10 s by default, and slower under load.
  int stop(std::chrono::milliseconds grace = kSettleTimeout);

  std::string stderr_text() const { return read_file(stderr_path()); }
  // True once the proxy's log contains `needle` (the log is written by
  // other threads: poll it, never read it once).
  bool log_says(const std::string& needle, std::chrono::milliseconds timeout = kSettleTimeout) const {
    return eventually([&] { return stderr_text().find(needle) != std::string::npos; }, timeout);
  }
  std::filesystem::path findings_path() const { return dir_.path() / "findings.jsonl"; }
  std::filesystem::path events_path() const { return dir_.path() / "events.jsonl"; }
  const EventLog& events() const { return events_; }

 private:
  std::filesystem::path stderr_path() const { return dir_.path() / "stderr.log"; }
  bool start_once(const ProxyOptions& options, std::string* failure);

  TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<Subprocess> process_;
  EventLog events_;
  int exit_status_ = kStillRunning;
};

}  // namespace pgsleuth::test
