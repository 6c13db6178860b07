#pragma once
// Plain TCP for tests that must send exact bytes (malformed or hostile
// input) and see exactly what comes back. Every read is bounded by a timeout.

#include <boost/core/noncopyable.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace pgsleuth::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound with port 0 and
// released). Another process may still take it: callers retry on bind errors.
uint16_t free_port();

// A port on 127.0.0.1 that nothing listens on: connecting is refused.
inline uint16_t closed_port() { return free_port(); }

// Sends all of `bytes` on a connected socket; false when the peer already
// closed (EPIPE/ECONNRESET).
bool send_all(int fd, const std::string& bytes);

class RawSocket : boost::noncopyable {
 public:
  // Connects to 127.0.0.1:port. Throws std::runtime_error on failure.
  explicit RawSocket(uint16_t port);
  ~RawSocket();

  // Sends all of `bytes`; false when the peer already closed (EPIPE/ECONNRESET).
  bool send_all(const std::string& bytes);

  enum class ReadStatus { data, closed, timeout };
  struct ReadResult {
    ReadStatus status;
    std::string bytes;  // with `data`: what arrived
  };
  // Waits up to `timeout` for at least one byte, then returns what is there
  // (at most `max_bytes`). A reset connection reads as `closed`.
  ReadResult read_some(std::chrono::milliseconds timeout, size_t max_bytes = 65536);
  // Reads exactly `n` bytes; `closed`/`timeout` when they do not all arrive
  // (`bytes` then holds what did).
  ReadResult read_exact(size_t n, std::chrono::milliseconds timeout);
  // Discards whatever arrives until the peer closes (true) or `timeout`
  // passes (false). `received` collects at most the first 64 KiB.
  bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr);

  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace pgsleuth::test
