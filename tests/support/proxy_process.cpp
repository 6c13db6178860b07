#include "tests/support/proxy_process.hpp"

#include <stdexcept>
#include <thread>

#include "tests/support/pg_cluster.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test {

ProxyProcess::ProxyProcess(ProxyOptions options)
    : dir_("pgsleuth-proxy-"), events_(dir_.path() / "events.jsonl") {
  std::string failure;
  // The free port may be taken before the proxy binds it; retry then.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (start_once(options, &failure)) return;
  }
  throw std::runtime_error("pgsleuth did not start: " + failure);
}

bool ProxyProcess::start_once(const ProxyOptions& options, std::string* failure) {
  port_ = free_port();
  SpawnOptions spawn;
  spawn.argv = {options.binary.string(), "--listen", "127.0.0.1:" + std::to_string(port_),
                "--upstream", options.upstream, "--findings", findings_path().string(),
                "--events", events_path().string(), "--log-level", "debug"};
  spawn.argv.insert(spawn.argv.end(), options.extra_args.begin(), options.extra_args.end());
  spawn.env = clean_pg_env();
  spawn.stderr_path = stderr_path();
  spawn.stdout_path = dir_.path() / "stdout.log";
  process_ = std::make_unique<Subprocess>(spawn);
  auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (stderr_text().find("listening on") != std::string::npos) return true;
    if (!process_->running()) {
      *failure = "exited with status " + std::to_string(process_->wait(std::chrono::seconds(0))) +
                 "; stderr:\n" + stderr_text();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *failure = "no \"listening on\" within " + std::to_string(options.ready_timeout.count()) +
             " ms; stderr:\n" + stderr_text();
  process_->terminate(std::chrono::seconds(2));
  return false;
}

ProxyProcess::~ProxyProcess() {
  if (process_) stop();
}

int ProxyProcess::stop(std::chrono::milliseconds grace) {
  if (exit_status_ == kStillRunning && process_) exit_status_ = process_->terminate(grace);
  return exit_status_;
}

std::string ProxyProcess::conninfo(const std::string& database, const std::string& user,
                                   const std::string& extra) const {
  return make_conninfo(port_, database, user, extra);
}

}  // namespace pgsleuth::test
