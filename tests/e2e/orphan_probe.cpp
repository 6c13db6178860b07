// A stand-in for an end-to-end test binary, for orphans_test.cpp: starts a
// PostgreSQL cluster and pgsleuth in front of it the way the fixtures do,
// writes "<postmaster pid> <pgsleuth pid>" to the file named by argv[1], then
// waits to be ended without cleaning up, as argv[2] says:
//   kill   by SIGKILL from outside
//   abort  by std::abort() on SIGUSR1, as a failed check or a crash ends a program
//   exit   by _exit(1) on SIGUSR1, as a sanitizer report ends a program
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/pg_cluster.hpp"
#include "tests/support/proxy_process.hpp"

int main(int argc, char** argv) {
  using namespace pgsleuth::test;
  if (argc != 3) {
    std::fprintf(stderr, "usage: orphan_probe PID_FILE kill|abort|exit\n");
    return 2;
  }
  const std::string mode = argv[2];
  if (mode == "abort") {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // no core file in the build tree
    std::signal(SIGUSR1, [](int) { std::abort(); });
  } else if (mode == "exit") {
    std::signal(SIGUSR1, [](int) { ::_exit(1); });
  }
  PgCluster pg;
  ProxyOptions options;
  options.binary = PGSLEUTH_BINARY;
  options.upstream = "127.0.0.1:" + std::to_string(pg.port());
  ProxyProcess proxy(options);
  const std::filesystem::path pid_file = argv[1];
  write_file(pid_file.string() + ".tmp", std::to_string(pg.server_pid()) + " " + std::to_string(proxy.pid()) + "\n");
  std::filesystem::rename(pid_file.string() + ".tmp", pid_file);  // the reader sees all or nothing
  for (;;) ::pause();
}
