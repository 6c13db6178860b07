#pragma once
// A stand-in PostgreSQL server for tests of a broken upstream: listens on
// 127.0.0.1 (a port of its own) and plays, on each connection, the
// scenario named by the startup packet's `database`:
//   - "well_behaved": logs in the way a trust login does (AuthenticationOk,
//     ParameterStatus, BackendKeyData, ReadyForQuery) and answers every
//     Query with one int4 row "1" (DISCARD ALL as PostgreSQL answers it),
//     until Terminate;
//   - a name given to the constructor: logs in the same way (or not at all,
//     `at_startup`), then answers the first Query with its `bytes`, and
//     then closes or keeps the connection open, reading and ignoring, until
//     the peer closes it.
// Unknown names get an ErrorResponse and a close.

#include <boost/core/noncopyable.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pgsleuth::test {

class FakeServer : boost::noncopyable {
 public:
  struct Scenario {
    std::string bytes;        // what a broken server sends
    bool at_startup = false;  // instead of the login, not after the first Query
    bool close_after = false; // else: stall until the peer closes
  };

  // Throws std::runtime_error when it cannot listen.
  explicit FakeServer(std::map<std::string, Scenario> scenarios);
  ~FakeServer();

  uint16_t port() const { return port_; }
  // Connections of a scenario that ended because the peer closed them.
  int closed_by_peer(const std::string& database) const;

 private:
  void accept_loop();
  void serve(int fd);
  bool wait_readable(int fd) const;
  bool read_exact(int fd, std::string& out, size_t n) const;

  std::map<std::string, Scenario> scenarios_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: readable once the server stops
  uint16_t port_ = 0;
  std::atomic<uint32_t> next_pid_{1000};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> connections_;
  std::map<std::string, int> closed_by_peer_;
  mutable std::mutex counts_mu_;
};

}  // namespace pgsleuth::test
