#pragma once
// TLS for both legs, on OpenSSL directly: an SSL object on the session's
// own non-blocking descriptor. Why not Boost.Asio's ssl::stream: once the
// login is under way a session leaves Asio for the level-triggered epoll
// loop (event_loop.hpp), and an ssl::stream cannot be taken out of Asio
// with its socket; SSL_read/SSL_write on the raw descriptor fit that loop
// with no extra copy (decrypting straight into the buffer the decoder
// reads) and no extra syscall for plain connections, which never touch
// this file.
//
// Calls follow the socket calls they replace (errno style), so forwarding
// handles both the same way.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

struct ssl_st;
struct ssl_ctx_st;

namespace pgsleuth::proxy {

// How much an upstream leg is worth: a pooled server connection is given
// only to a client that needs no more than it has.
enum class TlsLevel : uint8_t { Plain, Encrypted, VerifiedCa, VerifiedFull };

// A bad setting or file; what() is one line naming the key (and the file).
struct TlsConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TlsLegFiles {
  std::string sslmode;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
};

// One SSL_CTX, shared by every thread (OpenSSL locks what it must).
class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ssl_ctx_st* get() const { return ctx_; }

 private:
  friend struct TlsSetup;
  TlsContext();
  ssl_ctx_st* ctx_ = nullptr;
};

// Both legs as configured; replaced whole on SIGHUP (sessions keep the one
// they started with).
struct TlsSetup {
  // Throws TlsConfigError; `upstream_host` is what verify-full checks and
  // SNI names.
  static std::shared_ptr<const TlsSetup> make(const TlsLegFiles& client, const TlsLegFiles& server,
                                              const std::string& upstream_host);

  enum class ClientMode { Disable, Allow, Prefer, Require, VerifyCa, VerifyFull };
  enum class ServerMode { Disable, Prefer, Require, VerifyCa, VerifyFull };
  ClientMode client_mode = ClientMode::Disable;
  ServerMode server_mode = ServerMode::Prefer;
  std::string client_sslmode;  // as configured, for log lines
  std::string server_sslmode;
  std::shared_ptr<TlsContext> client;  // null with disable
  std::shared_ptr<TlsContext> server;  // null with disable
  std::string upstream_host;
  bool upstream_host_is_ip = false;
  // What the upstream leg proves once its handshake is done (require with
  // a CA file verifies the chain, as libpq does with a root.crt).
  TlsLevel server_level = TlsLevel::Plain;

  bool client_tls_on() const { return client != nullptr; }
  bool client_tls_required() const { return client_mode >= ClientMode::Require; }
  bool server_tls_required() const { return server_mode >= ServerMode::Require; }
  // The least a pooled server connection must have for a client whose own
  // leg is encrypted or not.
  TlsLevel upstream_level_needed(bool client_encrypted) const;
};

class TlsStream {
 public:
  // The server side of the client leg, or the client side of the server
  // leg (with SNI and host name checks as `setup` says). Throws
  // std::runtime_error when OpenSSL cannot make the object.
  static std::unique_ptr<TlsStream> accept_on(const TlsSetup& setup, int fd);
  static std::unique_ptr<TlsStream> connect_on(const TlsSetup& setup, int fd);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Like recv/send on a non-blocking socket: > 0 bytes, 0 the peer closed
  // (read), -1 with errno EAGAIN (wants_write() tells which readiness
  // helps) or another errno when the connection failed (error() says how).
  ssize_t read(char* data, size_t n);
  ssize_t write(const char* data, size_t n);
  // 1 done; -1 as above.
  int handshake();
  bool wants_write() const { return wants_write_; }
  // Decrypted or undecrypted bytes held inside OpenSSL: they do not make
  // the descriptor readable, so a reader must drain them itself.
  bool has_pending() const;
  const std::string& error() const { return error_; }
  // Best effort close_notify, never waits.
  void shutdown();

  // "TLSv1.3 TLS_AES_256_GCM_SHA384".
  std::string describe() const;
  // This side's certificate is the other stream's peer's (same DER).
  bool own_certificate_is_peer_of(const TlsStream& other) const;

 private:
  explicit TlsStream(ssl_st* ssl) : ssl_(ssl) {}
  ssize_t settle(int ret);

  ssl_st* ssl_;
  bool wants_write_ = false;
  std::string error_;
};

}  // namespace pgsleuth::proxy
