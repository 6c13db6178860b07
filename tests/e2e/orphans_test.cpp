// However an end-to-end test binary ends (killed, aborted, stopped by a
// sanitizer report), the PostgreSQL and the pgsleuth it started do not keep
// running: orphan_probe plays the test binary and dies without cleaning up.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test {
namespace {

using namespace std::chrono_literals;

// Live processes (zombies left out) in process group `pgid`. Each child of
// the fixtures leads its own group: a postmaster's group holds its backends.
std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> members;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto stat = read_file(entry.path() / "stat");
    const auto after_name = stat.rfind(')');  // the command name may hold spaces
    if (after_name == std::string::npos) continue;
    std::istringstream fields(stat.substr(after_name + 1));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    if (fields >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z') members.push_back(std::stoi(name));
  }
  return members;
}

std::string describe(const std::vector<pid_t>& pids) {
  std::string out;
  for (pid_t pid : pids) {
    out += std::to_string(pid) + " " + read_file("/proc/" + std::to_string(pid) + "/cmdline") + "\n";
  }
  return out;
}

struct Ending {
  const char* mode;
  int exit_status;  // the probe's, shell convention
};

void PrintTo(const Ending& ending, std::ostream* out) { *out << ending.mode; }

class Orphans : public ::testing::TestWithParam<Ending> {};

TEST_P(Orphans, NoServerOutlivesTheTestProcess) {
  TempDir dir("pgsleuth-orphans-");
  // The probe's temp dirs go in here (removed with it whatever the probe
  // left); the server, as the postgres user when root, must reach them.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_exec);
  const auto pid_file = dir.path() / "pids";
  SpawnOptions spawn;
  spawn.argv = {ORPHAN_PROBE, pid_file.string(), GetParam().mode};
  spawn.env = {{"TMPDIR", dir.path().string()}};
  spawn.stderr_path = dir.path() / "probe.err";
  Subprocess probe(spawn);

  const auto started_by = std::chrono::steady_clock::now() + 120s;
  while (!std::filesystem::exists(pid_file) && probe.running() && std::chrono::steady_clock::now() < started_by) {
    std::this_thread::sleep_for(20ms);
  }
  std::istringstream pids(read_file(pid_file));
  pid_t postmaster = 0, proxy = 0;
  ASSERT_TRUE(pids >> postmaster >> proxy) << "the probe did not start its servers:\n"
                                           << read_file(spawn.stderr_path);
  ASSERT_FALSE(group_members(postmaster).empty());
  ASSERT_FALSE(group_members(proxy).empty());

  probe.signal(std::string(GetParam().mode) == "kill" ? SIGKILL : SIGUSR1);
  EXPECT_EQ(probe.wait(30s), GetParam().exit_status) << read_file(spawn.stderr_path);

  std::vector<pid_t> left;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  do {
    left = group_members(postmaster);
    auto proxy_left = group_members(proxy);
    left.insert(left.end(), proxy_left.begin(), proxy_left.end());
    if (!left.empty()) std::this_thread::sleep_for(20ms);
  } while (!left.empty() && std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(left.empty()) << "still running 30 s after the probe died:\n" << describe(left);
}

INSTANTIATE_TEST_SUITE_P(Endings, Orphans,
                         ::testing::Values(Ending{"kill", 128 + SIGKILL}, Ending{"abort", 128 + SIGABRT},
                                           Ending{"exit", 1}),
                         [](const auto& info) { return std::string(info.param.mode); });

}  // namespace
}  // namespace pgsleuth::test
