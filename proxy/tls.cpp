#include "proxy/tls.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace pgsleuth::proxy {

namespace {

// TLS 1.2's strong suites (TLS 1.3's are OpenSSL's defaults, all strong).
constexpr const char* kCiphers = "HIGH:!aNULL:!eNULL:!MD5:!3DES:!RC4:!PSK:!SRP:!CAMELLIA:!ARIA:!SHA1";
// The largest certificate chain a client may send: with the login
// timeout it bounds what a handshake can cost (OpenSSL bounds the other
// handshake messages itself).
constexpr long kMaxClientCertChain = 32 * 1024;

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason ? reason : fmt::format("OpenSSL error {:#x}", e);
  }
  return out.empty() ? "unknown TLS error" : out;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

struct Loader {
  ssl_ctx_st* ctx;
  std::string_view section;

  [[noreturn]] void fail(std::string_view key, const std::string& file, const std::string& why) const {
    throw TlsConfigError(fmt::format("{}.{} = \"{}\": {}", section, key, file, why));
  }
  void readable(std::string_view key, const std::string& file) const {
    std::FILE* f = std::fopen(file.c_str(), "r");
    if (f == nullptr) fail(key, file, fmt::format("cannot read: {}", std::strerror(errno)));
    std::fclose(f);
  }
  void certificate(const std::string& cert, const std::string& key) const {
    ERR_clear_error();
    readable("cert_file", cert);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
      fail("cert_file", cert, "not a PEM certificate: " + openssl_errors());
    }
    if (key.empty()) fail("key_file", key, fmt::format("needed with {}.cert_file", section));
    readable("key_file", key);
    // Read apart from the context, so a key of another certificate is
    // told from a file that is no key; never asks for a passphrase.
    BIO* bio = BIO_new_file(key.c_str(), "r");
    EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
                         : nullptr;
    BIO_free(bio);
    if (pkey == nullptr) fail("key_file", key, "not a PEM private key (or one with a passphrase): " + openssl_errors());
    bool matches = X509_check_private_key(SSL_CTX_get0_certificate(ctx), pkey) == 1;
    bool used = matches && SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    if (!matches) fail("key_file", key, fmt::format("does not match {}.cert_file \"{}\"", section, cert));
    if (!used) fail("key_file", key, "cannot be used: " + openssl_errors());
  }
  void authorities(const std::string& ca) const {
    ERR_clear_error();
    readable("ca_file", ca);
    if (SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) != 1) {
      fail("ca_file", ca, "not a PEM certificate list: " + openssl_errors());
    }
  }
};

void common_options(ssl_ctx_st* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  // A write that the socket takes only in part is retried from the same
  // buffer position (Flow::unsent_at), maybe after the buffer moved.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // One recv for as many records as arrived, not two per record.
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_cipher_list(ctx, kCiphers);
}

}  // namespace

TlsContext::TlsContext() = default;
TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsLevel TlsSetup::upstream_level_needed(bool client_encrypted) const {
  TlsLevel needed = server_tls_required() ? server_level : TlsLevel::Plain;
  if (client_encrypted && server_mode != ServerMode::Disable && needed < TlsLevel::Encrypted) {
    needed = TlsLevel::Encrypted;
  }
  return needed;
}

std::shared_ptr<const TlsSetup> TlsSetup::make(const TlsLegFiles& c, const TlsLegFiles& s,
                                               const std::string& upstream_host) {
  auto setup = std::make_shared<TlsSetup>();
  static constexpr std::string_view kClientModes[] = {"disable", "allow", "prefer", "require", "verify-ca",
                                                      "verify-full"};
  static constexpr std::string_view kServerModes[] = {"disable", "prefer", "require", "verify-ca",
                                                      "verify-full"};
  auto index_of = [](const auto& modes, const std::string& mode, std::string_view key) {
    for (size_t i = 0; i < std::size(modes); ++i) {
      if (modes[i] == mode) return static_cast<int>(i);
    }
    throw TlsConfigError(fmt::format("{} = \"{}\": not an sslmode", key, mode));
  };
  setup->client_mode = static_cast<ClientMode>(index_of(kClientModes, c.sslmode, "client_tls.sslmode"));
  setup->server_mode = static_cast<ServerMode>(index_of(kServerModes, s.sslmode, "server_tls.sslmode"));
  setup->client_sslmode = c.sslmode;
  setup->server_sslmode = s.sslmode;
  setup->upstream_host = upstream_host;
  setup->upstream_host_is_ip = is_ip_literal(upstream_host);

  if (setup->client_mode != ClientMode::Disable) {
    if (c.cert_file.empty()) {
      throw TlsConfigError(fmt::format("client_tls.cert_file = \"\": needed with client_tls.sslmode = \"{}\"",
                                       c.sslmode));
    }
    auto ctx = std::shared_ptr<TlsContext>(new TlsContext);
    ctx->ctx_ = SSL_CTX_new(TLS_server_method());
    if (ctx->ctx_ == nullptr) throw TlsConfigError("client_tls: OpenSSL: " + openssl_errors());
    common_options(ctx->ctx_);
    // No session tickets: PostgreSQL sends none either, and a ticket key
    // would outlive a SIGHUP's new certificate.
    SSL_CTX_set_options(ctx->ctx_, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx->ctx_, 0);
    SSL_CTX_set_session_cache_mode(ctx->ctx_, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_max_cert_list(ctx->ctx_, kMaxClientCertChain);
    Loader loader{ctx->ctx_, "client_tls"};
    loader.certificate(c.cert_file, c.key_file);
    if (setup->client_mode >= ClientMode::VerifyCa) {
      if (c.ca_file.empty()) {
        throw TlsConfigError(fmt::format("client_tls.ca_file = \"\": needed with client_tls.sslmode = \"{}\"",
                                         c.sslmode));
      }
      loader.authorities(c.ca_file);
      if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(c.ca_file.c_str())) {
        SSL_CTX_set_client_CA_list(ctx->ctx_, names);
      }
      SSL_CTX_set_verify(ctx->ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    setup->client = std::move(ctx);
  }

  if (setup->server_mode != ServerMode::Disable) {
    auto ctx = std::shared_ptr<TlsContext>(new TlsContext);
    ctx->ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx->ctx_ == nullptr) throw TlsConfigError("server_tls: OpenSSL: " + openssl_errors());
    common_options(ctx->ctx_);
    Loader loader{ctx->ctx_, "server_tls"};
    if (!s.cert_file.empty()) loader.certificate(s.cert_file, s.key_file);
    if (s.cert_file.empty() && !s.key_file.empty()) {
      throw TlsConfigError(fmt::format("server_tls.cert_file = \"\": needed with server_tls.key_file = \"{}\"",
                                       s.key_file));
    }
    // libpq's rule: a CA to check against means the chain is checked, in
    // every mode; verify-ca and verify-full without one use the system's.
    bool verify = setup->server_mode >= ServerMode::VerifyCa || !s.ca_file.empty();
    if (!s.ca_file.empty()) {
      loader.authorities(s.ca_file);
    } else if (verify && SSL_CTX_set_default_verify_paths(ctx->ctx_) != 1) {
      throw TlsConfigError("server_tls.ca_file = \"\": the system's certificate store: " + openssl_errors());
    }
    SSL_CTX_set_verify(ctx->ctx_, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    setup->server_level = setup->server_mode == ServerMode::VerifyFull ? TlsLevel::VerifiedFull
                          : verify                                     ? TlsLevel::VerifiedCa
                                                                       : TlsLevel::Encrypted;
    setup->server = std::move(ctx);
  }
  return setup;
}

std::unique_ptr<TlsStream> TlsStream::accept_on(const TlsSetup& setup, int fd) {
  SSL* ssl = SSL_new(setup.client->get());
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    throw std::runtime_error("TLS: " + openssl_errors());
  }
  SSL_set_accept_state(ssl);
  return std::unique_ptr<TlsStream>(new TlsStream(ssl));
}

std::unique_ptr<TlsStream> TlsStream::connect_on(const TlsSetup& setup, int fd) {
  SSL* ssl = SSL_new(setup.server->get());
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    throw std::runtime_error("TLS: " + openssl_errors());
  }
  std::unique_ptr<TlsStream> stream(new TlsStream(ssl));
  const std::string& host = setup.upstream_host;
  // SNI carries host names only (RFC 6066), as libpq sends it.
  if (!setup.upstream_host_is_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    throw std::runtime_error("TLS: SNI: " + openssl_errors());
  }
  if (setup.server_mode == TlsSetup::ServerMode::VerifyFull) {
    int ok = setup.upstream_host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str())
                                       : SSL_set1_host(ssl, host.c_str());
    if (ok != 1) throw std::runtime_error("TLS: host name check: " + openssl_errors());
  }
  SSL_set_connect_state(ssl);
  return stream;
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

ssize_t TlsStream::settle(int ret) {
  wants_write_ = false;
  int saved = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wants_write_ = true;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      errno = saved != 0 && saved != EAGAIN ? saved : ECONNRESET;
      error_ = std::strerror(errno);
      return -1;
    default: {
      error_ = openssl_errors();
      long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK) error_ += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      errno = EPROTO;
      return -1;
    }
  }
}

// SSL_read gives one record (16 KiB at most) a call: what OpenSSL already
// holds is gathered into the caller's buffer, so a large result goes on
// in one write, as it would in plain text. No recv beyond what is held:
// that would fail with EAGAIN in request/response traffic.
ssize_t TlsStream::read(char* data, size_t n) {
  size_t got = 0;
  while (got < n) {
    int ret = SSL_read(ssl_, data + got, static_cast<int>(std::min<size_t>(n - got, INT32_MAX)));
    if (ret <= 0) {
      if (got > 0) {  // a close or failure shows again on the next call
        ERR_clear_error();
        break;
      }
      return settle(ret);
    }
    got += static_cast<size_t>(ret);
    if (!has_pending()) break;
  }
  return static_cast<ssize_t>(got);
}

// With partial writes on, SSL_write returns after each record: go on
// while the socket takes them, as send() would.
ssize_t TlsStream::write(const char* data, size_t n) {
  size_t done = 0;
  int ret = 0;
  while (done < n) {
    ret = SSL_write(ssl_, data + done, static_cast<int>(std::min<size_t>(n - done, INT32_MAX)));
    if (ret <= 0) break;
    done += static_cast<size_t>(ret);
  }
  if (done > 0) return static_cast<ssize_t>(done);
  ssize_t r = settle(ret);
  if (r == 0) {  // closed by the peer while we write: as EPIPE on a socket
    errno = EPIPE;
    error_ = "the peer closed the connection";
    return -1;
  }
  return r;
}

int TlsStream::handshake() {
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl_);
  if (ret == 1) return 1;
  if (settle(ret) == 0) {
    errno = ECONNRESET;
    error_ = "the peer closed the connection during the handshake";
  }
  return -1;
}

bool TlsStream::has_pending() const { return SSL_has_pending(ssl_) == 1; }

void TlsStream::shutdown() {
  if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
  ERR_clear_error();
}

std::string TlsStream::describe() const {
  return fmt::format("{} {}", SSL_get_version(ssl_), SSL_get_cipher_name(ssl_));
}

bool TlsStream::own_certificate_is_peer_of(const TlsStream& other) const {
  X509* mine = SSL_get_certificate(ssl_);
  X509* theirs = SSL_get0_peer_certificate(other.ssl_);
  return mine != nullptr && theirs != nullptr && X509_cmp(mine, theirs) == 0;
}

}  // namespace pgsleuth::proxy
