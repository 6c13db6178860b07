#include "tests/support/subprocess.hpp"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/temp_dir.hpp"

extern char** environ;

namespace pgsleuth::test {
namespace {

std::vector<std::string> merged_environment(const EnvOverrides& overrides) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string item(*entry);
    auto eq = item.find('=');
    if (eq != std::string::npos) vars[item.substr(0, eq)] = item.substr(eq + 1);
  }
  for (const auto& [name, value] : overrides) {
    if (value.empty()) {
      vars.erase(name);
    } else {
      vars[name] = value;
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& items) {
  std::vector<char*> out;
  for (auto& item : items) out.push_back(item.data());
  out.push_back(nullptr);
  return out;
}

// Only async-signal-safe calls between fork and exec.
void redirect_or_die(const std::filesystem::path& path, int target_fd, int flags, int report_fd) {
  const char* name = path.empty() ? "/dev/null" : path.c_str();
  int fd = ::open(name, flags, 0644);
  if (fd < 0 || ::dup2(fd, target_fd) < 0) {
    int err = errno;
    (void)!::write(report_fd, &err, sizeof err);
    ::_exit(127);
  }
  ::close(fd);
}

// Only async-signal-safe calls: the credentials first, because changing them
// clears the parent-death signal.
void become_or_die(const SpawnOptions& options, pid_t parent, int report_fd) {
  bool ok = true;
  if (options.run_as) {
    ok = ::setgroups(0, nullptr) == 0 && ::setgid(options.run_as->gid) == 0 &&
         ::setuid(options.run_as->uid) == 0;
  }
  ok = ok && ::prctl(PR_SET_PDEATHSIG, options.parent_death_signal) == 0;
  if (!ok) {
    int err = errno;
    (void)!::write(report_fd, &err, sizeof err);
    ::_exit(127);
  }
  // The parent died before the signal was armed: nobody will send it.
  if (::getppid() != parent) ::_exit(127);
}

int decode_status(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return kStillRunning;
}

}  // namespace

Subprocess::Subprocess(const SpawnOptions& options) {
  if (options.argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  auto args = options.argv;
  auto env = merged_environment(options.env);
  auto argv = c_strings(args);
  auto envp = c_strings(env);
  // The child reports a failed exec through this pipe; a successful exec
  // closes it (O_CLOEXEC) and the parent reads end-of-file.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  stderr_path_ = options.stderr_path;
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(report[0]);
    ::close(report[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    ::setpgid(0, 0);
    redirect_or_die(options.stdin_path, 0, O_RDONLY, report[1]);
    redirect_or_die(options.stdout_path, 1, O_WRONLY | O_CREAT | O_TRUNC, report[1]);
    redirect_or_die(options.stderr_path, 2, O_WRONLY | O_CREAT | O_TRUNC, report[1]);
    become_or_die(options, parent, report[1]);
    ::execvpe(argv[0], argv.data(), envp.data());
    int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so signal() works before the child ran
  ::close(report[1]);
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(report[0], &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == sizeof child_errno) {
    reap(0);
    throw std::runtime_error("cannot start " + options.argv[0] + ": " + std::strerror(child_errno));
  }
}

Subprocess::~Subprocess() {
  if (running()) {
    signal(SIGKILL);
    reap(0);
  }
}

bool Subprocess::reap(int options) {
  if (status_ != kStillRunning) return true;
  int raw = 0;
  pid_t got = ::waitpid(pid_, &raw, options);
  if (got == pid_) {
    status_ = decode_status(raw);
    if (!stderr_path_.empty()) {
      auto report = sanitizer_report(read_file(stderr_path_));
      if (!report.empty()) ADD_FAILURE() << "sanitizer report from child " << pid_ << ":\n" << report;
    }
    return true;
  }
  return false;
}

bool Subprocess::running() { return !reap(WNOHANG); }

void Subprocess::signal(int sig) {
  if (status_ == kStillRunning) ::kill(-pid_, sig);
}

int Subprocess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return kStillRunning;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int Subprocess::terminate(std::chrono::milliseconds grace, int sig) {
  signal(sig);
  if (wait(grace) == kStillRunning) {
    signal(SIGKILL);
    reap(0);
  }
  return status_;
}

std::string sanitizer_report(const std::string& text) {
  // Every report (ASan, LSan, UBSan) ends with "SUMMARY: <Name>Sanitizer: ...".
  size_t summary = 0;
  for (; (summary = text.find("SUMMARY: ", summary)) != std::string::npos; ++summary) {
    auto word_end = text.find_first_of(": \n", summary + 9);
    if (word_end != std::string::npos && text.compare(word_end - 9, 9, "Sanitizer") == 0) break;
  }
  if (summary == std::string::npos) return {};
  // It starts at "==PID==ERROR: ..." (ASan, LSan) or "...: runtime error: ..." (UBSan).
  size_t start = 0;
  for (const char* opening : {"==ERROR: ", ": runtime error: "}) {
    auto at = text.rfind(opening, summary);
    if (at != std::string::npos) start = std::max(start, at);
  }
  start = start == 0 ? 0 : text.rfind('\n', start) + 1;  // npos + 1 == 0: the first line
  auto end = text.find('\n', summary);
  constexpr size_t kMaxReport = 20000;
  return text.substr(start, std::min(kMaxReport, (end == std::string::npos ? text.size() : end) - start));
}

CommandResult run_command(const std::vector<std::string>& argv, const EnvOverrides& env,
                          std::chrono::milliseconds timeout, const std::string& stdin_data) {
  TempDir dir("pgsleuth-cmd-");
  SpawnOptions options;
  options.argv = argv;
  options.env = env;
  options.stdin_path = dir.path() / "stdin";
  options.stdout_path = dir.path() / "stdout";
  options.stderr_path = dir.path() / "stderr";
  write_file(options.stdin_path, stdin_data);
  CommandResult result;
  {
    Subprocess child(options);
    result.exit_code = child.wait(timeout);
    if (result.exit_code == kStillRunning) {
      result.timed_out = true;
      result.exit_code = child.terminate(std::chrono::seconds(2));
    }
  }
  result.out = read_file(options.stdout_path);
  result.err = read_file(options.stderr_path);
  return result;
}

}  // namespace pgsleuth::test
