#pragma once
// What the server told a client at startup (AuthenticationOk, the
// ParameterStatus values, whether it sent BackendKeyData), kept current as
// the session changes parameters. A server connection handed to a later
// client is introduced to it by replaying this, as if the server had just
// said it.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proxy/wire/frame_decoder.hpp"

namespace pgsleuth::proxy {

class ServerGreeting {
 public:
  // Every server-to-client message of the connection, in order.
  void on_message(const wire::Message& m);
  void set_parameter(std::string_view name, std::string_view value);

  // The server let the client in without asking for anything (no password,
  // no SASL exchange) and said nothing unusual at startup. Only then can
  // another client with the same startup packet be given this connection:
  // the server would have let it in the same way.
  bool reusable() const { return ready_ && auth_ok_ && !challenged_ && !unusual_; }
  // AuthenticationOk, ParameterStatus..., BackendKeyData with
  // `backend_key` as its body (if the server sent one), ReadyForQuery(I).
  // The key is the backend's own, held by the session: what went past
  // the greeting was the client's (server_stream.hpp).
  std::string replay(std::string_view backend_key) const;

 private:
  std::vector<std::pair<std::string, std::string>> parameters_;
  bool has_backend_key_ = false;
  bool ready_ = false;       // the first ReadyForQuery has been seen
  bool auth_ok_ = false;
  bool challenged_ = false;
  bool unusual_ = false;
};

}  // namespace pgsleuth::proxy
