#pragma once
// Child processes for tests: a long-running one (Subprocess) and a
// run-to-completion helper (run_command). Every child runs in its own process
// group so that stopping it also stops whatever it started (a shell pipeline,
// psql's pager...), and every wait is bounded. A child gets a signal when the
// test process dies, however it dies (SIGKILL, a sanitizer report, a crash),
// so no server outlives its test; what the child starts in turn does not, so
// a server must be a direct child. A sanitizer report in a child's stderr
// fails the running test.

#include <boost/core/noncopyable.hpp>

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgsleuth::test {

// Environment variables set for the child on top of this process's own
// environment; an empty value removes the variable.
using EnvOverrides = std::map<std::string, std::string>;

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  EnvOverrides env;
  std::filesystem::path stdin_path;   // empty: /dev/null
  std::filesystem::path stdout_path;  // empty: /dev/null
  std::filesystem::path stderr_path;  // empty: /dev/null
  // Sent to the child when the thread that started it ends, the test process
  // included (PR_SET_PDEATHSIG): so start children on the thread that owns
  // them.
  int parent_death_signal = SIGKILL;
  // Set (uid, gid): the child drops to that user before exec, keeping
  // parent_death_signal (runuser would clear it).
  struct User {
    uid_t uid;
    gid_t gid;
  };
  std::optional<User> run_as;
};

// Exit status in the shell's convention: the exit code, or 128 + signal.
inline constexpr int kStillRunning = -1;

class Subprocess : boost::noncopyable {
 public:
  // Starts the child. Throws std::runtime_error when it cannot be started
  // (including when argv[0] cannot be executed).
  explicit Subprocess(const SpawnOptions& options);
  // Kills the process group (SIGKILL) if still running and reaps the child.
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `sig` to the child's process group.
  void signal(int sig);
  // The exit status, or kStillRunning when `timeout` passed first.
  int wait(std::chrono::milliseconds timeout);
  // `sig`, then SIGKILL after `grace`; returns the exit status.
  int terminate(std::chrono::milliseconds grace, int sig = SIGTERM);

 private:
  bool reap(int options);
  pid_t pid_ = -1;
  int status_ = kStillRunning;
  std::filesystem::path stderr_path_;
};

// The sanitizer report (ASan, LSan, UBSan) in a program's stderr, from its
// first line to its SUMMARY line; empty when there is none.
std::string sanitizer_report(const std::string& stderr_text);

struct CommandResult {
  int exit_code = kStillRunning;  // exit status as above
  bool timed_out = false;         // killed because `timeout` passed
  std::string out;
  std::string err;
};

// Runs argv to completion (killing it after `timeout`) and captures its
// standard output and error. `stdin_data` is fed to its standard input.
CommandResult run_command(const std::vector<std::string>& argv, const EnvOverrides& env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60),
                          const std::string& stdin_data = {});

// Debian's interpreter, the one with psycopg2/asyncpg/django/sqlalchemy
// installed (the `python3` first on PATH may be another one).
inline constexpr const char* kSystemPython = "/usr/bin/python3";

}  // namespace pgsleuth::test
