#pragma once
// The server's bytes on their way to the client, looked at before they are
// forwarded (analysis looks after). Two things cannot wait:
// - A stream that is not the protocol (an unknown message type, a length
//   no server sends: a crashed backend, another service on the port) means
//   the server is broken. The session ends on the last whole message, so
//   the client is told why instead of being handed bytes it chokes on (a
//   2 GB length has libpq wait for 2 GB).
// - BackendKeyData: the client is given its own secret in place of the
//   backend's (see cancel_keys.hpp), rewritten in place, so the message
//   keeps its length and the stream its framing.
// Only headers are read: a few instructions a message. Pure: bytes in,
// bytes and a verdict out.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "proxy/wire/message_table.hpp"

namespace pgsleuth::proxy {

class ServerStream {
 public:
  // Fills `n` bytes with a new secret for the client; empty: BackendKeyData
  // passes unchanged.
  using NewSecret = std::function<void(char* out, size_t n)>;

  explicit ServerStream(NewSecret new_secret = {});

  // Looks at the next `n` bytes of the stream, rewriting a BackendKeyData
  // secret in them. Returns how many may be forwarded: all of them, or,
  // once the server broke the protocol, those before the message that
  // broke it (error() says how; later calls return 0).
  size_t pass(char* data, size_t n);

  bool broken() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // What may be forwarded so far ends on a whole message.
  bool at_message_boundary() const {
    return broken() ? broke_on_boundary_ : body_left_ == 0 && header_have_ == 0;
  }

  // True once after each BackendKeyData that has passed whole.
  bool take_new_key() { return std::exchange(new_key_, false); }
  // The last BackendKeyData body from the server (process id, then its
  // secret) and the one the client got instead (the same process id).
  const std::string& backend_key() const { return backend_key_; }
  const std::string& client_key() const { return client_key_; }

 private:
  bool start_message(char type, uint32_t length);
  void pass_key_bytes(char* data, size_t n);

  NewSecret new_secret_;
  const wire::MessageTable& table_;
  char header_[5] = {};
  uint32_t header_have_ = 0;
  uint32_t body_left_ = 0;
  bool in_key_ = false;
  uint32_t key_at_ = 0;  // position in the BackendKeyData body
  bool new_key_ = false;
  std::string backend_key_;
  std::string client_key_;
  bool broke_on_boundary_ = false;
  std::string error_;
};

}  // namespace pgsleuth::proxy
