#include "tests/support/fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "tests/support/pg_wire.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test {
namespace {

using wire::int32_bytes;
using wire::message;

std::string cstr(const std::string& s) { return s + std::string(1, '\0'); }

std::string login(uint32_t pid) {
  std::string out = message('R', int32_bytes(0));
  for (const auto& [name, value] : std::map<std::string, std::string>{{"server_version", "15.0"},
                                                                      {"client_encoding", "UTF8"},
                                                                      {"DateStyle", "ISO, MDY"},
                                                                      {"integer_datetimes", "on"},
                                                                      {"standard_conforming_strings", "on"}}) {
    out += message('S', cstr(name) + cstr(value));
  }
  out += message('K', int32_bytes(pid) + int32_bytes(pid * 2654435761u));
  return out + wire::ready_for_query();
}

std::string one_row() {
  return wire::row_description({"x"}) + wire::data_row({"1"}) + wire::command_complete("SELECT 1") +
         wire::ready_for_query();
}

uint32_t u32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (size_t i = at; i < at + 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

}  // namespace

FakeServer::FakeServer(std::map<std::string, Scenario> scenarios) : scenarios_(std::move(scenarios)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || stop_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string why = std::strerror(errno);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (stop_fd_ >= 0) ::close(stop_fd_);
    throw std::runtime_error("fake server: cannot listen: " + why);
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(stop_fd_, &one, sizeof one);
  acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mu_);
    connections.swap(connections_);
  }
  for (auto& t : connections) t.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
}

int FakeServer::closed_by_peer(const std::string& database) const {
  std::lock_guard lock(counts_mu_);
  auto it = closed_by_peer_.find(database);
  return it == closed_by_peer_.end() ? 0 : it->second;
}

// False once the server stops.
bool FakeServer::wait_readable(int fd) const {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    return n > 0 && !(fds[1].revents & POLLIN);
  }
}

// False when the peer closed first, or the server stops.
bool FakeServer::read_exact(int fd, std::string& out, size_t n) const {
  out.resize(n);
  size_t have = 0;
  while (have < n) {
    if (!wait_readable(fd)) return false;
    ssize_t got = ::recv(fd, out.data() + have, n - have, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    have += static_cast<size_t>(got);
  }
  return true;
}

void FakeServer::accept_loop() {
  while (wait_readable(listen_fd_)) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    connections_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void FakeServer::serve(int fd) {
  std::string header, body;
  // The startup packet (after any SSLRequest, refused).
  for (;;) {
    if (!read_exact(fd, header, 4) || u32(header, 0) < 8 || u32(header, 0) > 10000) return;
    if (!read_exact(fd, body, u32(header, 0) - 4)) return;
    if (u32(body, 0) != 80877103) break;
    if (!send_all(fd, "N")) return;
  }
  std::string database;
  for (size_t at = 4; at < body.size();) {
    std::string name = body.c_str() + at;
    at += name.size() + 1;
    if (name.empty() || at >= body.size()) break;
    std::string value = body.c_str() + at;
    at += value.size() + 1;
    if (name == "database") database = value;
  }
  const Scenario* scenario = nullptr;
  if (database != "well_behaved") {
    auto it = scenarios_.find(database);
    if (it == scenarios_.end()) {
      send_all(fd, message('E', cstr("SFATAL") + cstr("C3D000") + cstr("Mno scenario " + database) + std::string(1, '\0')));
      return;
    }
    scenario = &it->second;
  }
  auto misbehave = [&] {
    if (!send_all(fd, scenario->bytes) || scenario->close_after) return;
    std::string ignored;
    while (read_exact(fd, ignored, 1)) {
    }
    if (!wait_readable(fd)) return;  // stopped, not closed by the peer
    std::lock_guard lock(counts_mu_);
    ++closed_by_peer_[database];
  };
  if (scenario && scenario->at_startup) return misbehave();
  if (!send_all(fd, login(next_pid_++))) return;
  for (;;) {
    if (!read_exact(fd, header, 5) || u32(header, 1) < 4) return;
    if (!read_exact(fd, body, u32(header, 1) - 4)) return;
    if (header[0] == 'X') return;
    if (header[0] != 'Q') continue;
    if (scenario) return misbehave();
    bool discard = std::string(body.c_str()) == "DISCARD ALL";
    if (!send_all(fd, discard ? wire::command_complete("DISCARD ALL") + wire::ready_for_query() : one_row())) return;
  }
}

}  // namespace pgsleuth::test
