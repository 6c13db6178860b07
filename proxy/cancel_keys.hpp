#pragma once
// The cancel keys clients were given, for the whole process. A server
// connection outlives its client (session_reuse.cpp), so the backend's own
// key cannot be the client's: a cancel the client sent late (a driver's
// timeout racing its own disconnect) would reach the next client's query.
// So each client is given its own secret with the backend's process id
// (as pgbouncer gives its own keys), and a cancel with it is translated to
// the backend's key only while that client holds the backend.
//
// A cancel arrives on a connection of its own, on any I/O thread: this is
// the one thing the threads share, locked at login, logout and cancel,
// never per message.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pgsleuth::proxy {

class CancelKeys {
 public:
  struct Ticket {
    uint32_t pid = 0;
    uint64_t id = 0;  // 0: none
    explicit operator bool() const { return id != 0; }
  };

  // A client holding the backend `pid` was given `secret`; a cancel with
  // them is sent as `backend_cancel` (a CancelRequest with the backend's
  // own key).
  Ticket add(uint32_t pid, std::string secret, std::string backend_cancel);
  // The client left (or was given another key): its key cancels nothing.
  void remove(Ticket ticket);
  // The CancelRequest to send for a client's key, if a client that still
  // holds its backend was given it.
  std::optional<std::string> find(uint32_t pid, std::string_view secret) const;
  size_t size() const;

  // `n` bytes from the kernel's CSPRNG.
  static void random_secret(char* out, size_t n);

 private:
  struct Entry {
    uint64_t id;
    std::string secret;
    std::string backend_cancel;
  };

  mutable std::mutex mu_;
  // By process id; a crashed backend's pid may be given again while its
  // session is still closing, so one pid may have two entries.
  std::unordered_multimap<uint32_t, Entry> by_pid_;
  uint64_t next_id_ = 1;
};

}  // namespace pgsleuth::proxy
