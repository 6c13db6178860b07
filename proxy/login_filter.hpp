#pragma once
// The login's messages while it lasts (until AuthenticationOk or an
// error), for the one change the proxy may make to them: SCRAM channel
// binding ("tls-server-end-point") hashes the certificate the client saw,
// which is the server's only when pgsleuth presents the server's own
// certificate. Otherwise:
// - SCRAM-SHA-256-PLUS leaves the server's AuthenticationSASL list (the
//   message rewritten in place, with its new length), so libpq picks
//   SCRAM-SHA-256: with "n" on a plain client leg, which the server
//   accepts; with "y" on a TLS one ("I could bind, you seem unable"),
//   which a TLS server refuses as a downgrade (auth-scram.c,
//   read_client_first_message). That answer, or a client that asks for
//   PLUS anyway, is caught here so the client is told what to do instead
//   of "SCRAM channel binding negotiation error".
// It also remembers a login error, so the session can say when the
// server refused a plain upstream leg. Pure: bytes in, bytes and a
// verdict out. Off once the login is over.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgsleuth::proxy {

class LoginFilter {
 public:
  explicit LoginFilter(bool strip_plus) : strip_plus_(strip_plus) {}

  // Server bytes before they go to the client; returns their new count.
  size_t server_bytes(char* data, size_t n);
  // Client bytes before they go to the server: false when they ask for
  // channel binding while PLUS was left out.
  bool client_bytes(std::string_view data);

  bool done() const { return done_; }
  bool stripped() const { return stripped_; }
  // The AuthenticationSASL message arrived split; it passed untouched.
  bool missed() const { return missed_; }
  // The server's ErrorResponse during the login: SQLSTATE and message.
  const std::string& error_code() const { return error_code_; }
  const std::string& error_message() const { return error_message_; }

 private:
  // The message whose header starts at data[at], wholly in [data, data+n):
  // returns how many bytes it now takes.
  size_t whole_message(char* data, size_t at, size_t& n);
  void on_message(char type, std::string_view body);

  bool strip_plus_;
  bool done_ = false;
  bool stripped_ = false;
  bool missed_ = false;
  char header_[5] = {};
  uint32_t header_have_ = 0;
  uint32_t body_left_ = 0;
  char type_ = 0;           // of the message split across chunks
  std::string capture_;     // its body, for 'R' and 'E' (bounded)
  bool saw_sasl_ = false;   // AuthenticationSASL passed
  bool sasl_answered_ = false;
  std::string error_code_;
  std::string error_message_;
};

}  // namespace pgsleuth::proxy
