// The startup phase of a session: encryption requests, cancel requests and
// the StartupMessage, then the upstream connection.

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "proxy/session.hpp"
#include "proxy/tls_async.hpp"
#include "proxy/wire/byte_reader.hpp"
#include "proxy/wire/error_response.hpp"
#include "proxy/wire/startup_packet.hpp"

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

bool is_replication(std::string_view value) {
  return !value.empty() && value != "false" && value != "off" && value != "no" && value != "0";
}

}  // namespace

void Session::arm_login_deadline() {
  timer_.expires_after(login_timeout_);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec) return;  // the startup packet came (connect_upstream re-arms the timer)
    spdlog::warn("connection {} from {}: no startup packet within {} ms; closing", self->id_, self->client_addr_,
                 self->login_timeout_.count());
    self->close(CloseReason::LoginTimeout);
  });
}

void Session::read_startup() {
  startup_packet_.resize(4);
  TlsStream* tls = client_end_.tls.get();
  async_read_all(client_, tls, startup_packet_.data(), 4, [self = shared_from_this(), tls](const std::string& err) {
    if (!err.empty()) return self->close(CloseReason::ClientClosed, "during startup");
    if (wire::looks_like_tls_client_hello(self->startup_packet_)) {
      spdlog::warn("connection {} from {}: TLS ClientHello without SSLRequest (direct SSL) is not "
                   "supported; closing", self->id_, self->client_addr_);
      return self->close(CloseReason::ClientRefused, "direct TLS");
    }
    uint32_t len = wire::startup_packet_length(self->startup_packet_);
    if (len == 0) {
      spdlog::warn("connection {} from {}: invalid startup packet length; closing", self->id_,
                   self->client_addr_);
      return self->close(CloseReason::ClientRefused, "invalid startup packet");
    }
    self->startup_packet_.resize(len);
    async_read_all(self->client_, tls, self->startup_packet_.data() + 4, len - 4, [self](const std::string& err2) {
      if (!err2.empty()) return self->close(CloseReason::ClientClosed, "during startup");
      self->on_startup_packet();
    });
  });
}

void Session::answer_encryption_request(const char* what, bool& answered, bool accept_tls) {
  error_code ec;
  // Bytes sent behind the request before our answer would be read as if
  // they came over the encrypted channel (CVE-2021-3935): refuse them.
  // Inside TLS a request is as wrong as a repeated one.
  if (answered || client_end_.tls || client_.available(ec) > 0) {
    spdlog::warn("connection {} from {}: {} repeated or followed by unexpected data; closing", id_,
                 client_addr_, what);
    return close(CloseReason::ClientRefused, "bad encryption request");
  }
  answered = true;
  static const char yes = 'S';
  static const char no = 'N';
  asio::async_write(client_, asio::buffer(accept_tls ? &yes : &no, 1),
                    [self = shared_from_this(), accept_tls](error_code wec, size_t) {
                      if (wec) return self->close(CloseReason::ClientError, "write: " + wec.message());
                      if (accept_tls) return self->start_client_tls();
                      self->read_startup();
                    });
}

// The client leg's handshake, bounded by the login deadline (still armed:
// only a StartupMessage cancels it) and, in bytes, by OpenSSL's limits
// on each handshake message (tls.cpp).
void Session::start_client_tls() {
  try {
    client_end_.tls = TlsStream::accept_on(*tls_, client_.native_handle());
  } catch (const std::exception& e) {
    spdlog::warn("connection {} from {}: client leg: {}; closing", id_, client_addr_, e.what());
    return close(CloseReason::ClientTlsFailed, e.what());
  }
  async_tls_handshake(client_, *client_end_.tls, [self = shared_from_this()](const std::string& err) {
    if (self->closed()) return;
    if (!err.empty()) {
      spdlog::warn("connection {} from {}: client leg: TLS handshake failed: {}; closing", self->id_,
                   self->client_addr_, err);
      return self->close(CloseReason::ClientTlsFailed, err);
    }
    spdlog::debug("connection {} from {}: client leg: {}", self->id_, self->client_addr_,
                  self->client_end_.tls->describe());
    self->read_startup();
  });
}

void Session::on_startup_packet() {
  wire::StartupPacket packet = wire::parse_startup_packet(startup_packet_);
  if (std::holds_alternative<wire::SslRequest>(packet)) {
    return answer_encryption_request("SSLRequest", ssl_answered_, tls_->client_tls_on());
  }
  if (std::holds_alternative<wire::GssEncRequest>(packet)) {
    return answer_encryption_request("GSSENCRequest", gss_answered_, false);
  }
  if (auto* cancel = std::get_if<wire::CancelRequest>(&packet)) return forward_cancel(*cancel);
  if (auto* err = std::get_if<wire::StartupError>(&packet)) {
    spdlog::warn("connection {} from {}: {}; closing", id_, client_addr_, err->reason);
    fail_to_client("08P01", "pgsleuth: " + err->reason);
    return close(CloseReason::ClientRefused, err->reason);
  }
  const auto& startup = std::get<wire::StartupMessage>(packet);
  timer_.cancel();  // the login deadline: the client has spoken
  phase_ = Phase::Connecting;
  if (tls_->client_tls_required() && !client_end_.tls) {
    spdlog::warn("connection {} from {}: client leg: login without TLS refused (client_tls.sslmode = {})", id_,
                 client_addr_, tls_->client_sslmode);
    fail_to_client("28000", "pgsleuth: this proxy accepts only TLS connections (client_tls.sslmode = " +
                                tls_->client_sslmode + "); connect with sslmode=require or stricter");
    return close(CloseReason::ClientRefused, "login without TLS");
  }
  auto info = std::make_shared<events::ConnectionInfo>();
  info->connection_id = id_;
  info->user = startup.get("user");
  info->database = startup.get("database");
  if (info->database.empty()) info->database = info->user;
  info->application_name = startup.get("application_name");
  info->client_addr = client_addr_;
  info->opened_at = events::SteadyTime::clock::now();
  info_ = std::move(info);
  if (thread_.events && !is_replication(startup.get("replication"))) {
    observer_.emplace(info_, [this](events::StatementEvent&& ev) { thread_.publish(std::move(ev)); });
    // A server connection that may go to a later client must not give
    // this one its key (cancel_keys.hpp).
    server_stream_.emplace(thread_.pool.enabled() ? &CancelKeys::random_secret : ServerStream::NewSecret{});
  }
  thread_.publish(events::ConnectionOpened{info_});
  if (!reuse_idle_upstream()) connect_upstream();
}

// A key pgsleuth gave a client is sent as its backend's own while that
// client holds the backend. Any other goes as it came: the server knows
// only its own keys, and pgsleuth shows a backend's own key only to a
// client whose backend no later client gets.
void Session::forward_cancel(const wire::CancelRequest& request) {
  auto backend = thread_.cancel_keys.find(request.backend_pid, request.key);
  std::string packet = backend ? std::move(*backend) : startup_packet_;
  thread_.resolver.endpoints(upstream_target_, [self = shared_from_this(), packet = std::move(packet)](
                                                   const UpstreamResolver::Endpoints& eps) {
    send_cancel_request(self->thread_.io, self->upstream_target_, eps, packet);
  });
  close(CloseReason::CancelRequestHandled, backend ? "forwarded to its backend" : "passed on as sent");
}

void Session::arm_upstream_deadline() {
  timer_.expires_after(upstream_target_.connect_timeout);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->upstream_.close();  // what waits on it fails with operation_aborted
  });
}

// The lookup is bounded by the resolver's own timeouts (resolv.conf), the
// connect by proxy.connect_timeout_ms.
void Session::connect_upstream() {
  thread_.resolver.endpoints(upstream_target_, [self = shared_from_this()](const UpstreamResolver::Endpoints& eps) {
    if (self->closed()) return;
    self->connect_to(eps);
  });
}

void Session::connect_to(const std::vector<tcp::endpoint>& endpoints) {
  arm_upstream_deadline();
  asio::async_connect(upstream_, endpoints,
                      [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                        self->timer_.cancel();
                        if (ec) {
                          self->thread_.counters.add(ProxyMetric::UpstreamConnectFailures);
                          std::string reason = ec == asio::error::operation_aborted
                                                   ? "timed out"
                                                   : ec.message();
                          std::string msg = "pgsleuth: could not connect to upstream " +
                                            self->upstream_target_.name() + ": " + reason;
                          spdlog::warn("connection {} from {}: {}", self->id_, self->client_addr_, msg);
                          self->fail_to_client("08006", msg);
                          return self->close(CloseReason::UpstreamUnreachable, reason);
                        }
                        self->on_upstream_connected();
                      });
}

void Session::on_upstream_connected() {
  upstream_opened_ = std::chrono::steady_clock::now();
  error_code ec;
  upstream_.set_option(tcp::no_delay(true), ec);
  upstream_endpoint_ = upstream_.remote_endpoint(ec);
  if (!tls_->server || upstream_plain_retry_) return send_startup_upstream();
  // libpq's order: SSLRequest, one byte of answer, then TLS or not; the
  // whole exchange within the connect timeout.
  static const std::string ssl_request = [] {
    std::string r(8, '\0');
    wire::put_u32(r.data(), 8);
    wire::put_u32(r.data() + 4, wire::kSslRequestCode);
    return r;
  }();
  arm_upstream_deadline();
  asio::async_write(upstream_, asio::buffer(ssl_request), [self = shared_from_this()](error_code wec, size_t) {
    if (wec) return self->server_leg_failed("sending SSLRequest: " + wec.message());
    asio::async_read(self->upstream_, asio::buffer(&self->upstream_tls_answer_, 1), [self](error_code rec, size_t) {
      if (rec) {
        return self->server_leg_failed(rec == asio::error::operation_aborted ? "no answer to SSLRequest in time"
                                                                             : "SSLRequest: " + rec.message());
      }
      self->on_upstream_tls_answer();
    });
  });
}

void Session::on_upstream_tls_answer() {
  if (upstream_tls_answer_ == 'N') {
    timer_.cancel();
    if (tls_->server_tls_required()) {
      return server_leg_failed("the server does not support TLS (it answered N to SSLRequest)");
    }
    return send_startup_upstream();
  }
  if (upstream_tls_answer_ != 'S') {
    return server_leg_failed(fmt::format("unexpected answer to SSLRequest (byte 0x{:02x})",
                                         static_cast<unsigned char>(upstream_tls_answer_)));
  }
  try {
    upstream_end_.tls = TlsStream::connect_on(*tls_, upstream_.native_handle());
  } catch (const std::exception& e) {
    return server_leg_failed(e.what());
  }
  async_tls_handshake(upstream_, *upstream_end_.tls, [self = shared_from_this()](const std::string& err) {
    self->timer_.cancel();
    if (self->closed()) return;
    if (!err.empty()) {
      // libpq's prefer: a failed handshake is tried once more in plain text.
      if (self->tls_->server_mode == TlsSetup::ServerMode::Prefer) return self->retry_upstream_plain(err);
      return self->server_leg_failed("TLS handshake failed: " + err);
    }
    self->upstream_level_ = self->tls_->server_level;
    spdlog::debug("connection {} from {}: server leg: {}", self->id_, self->client_addr_,
                  self->upstream_end_.tls->describe());
    self->send_startup_upstream();
  });
}

void Session::retry_upstream_plain(const std::string& why) {
  spdlog::warn("connection {} from {}: server leg: TLS handshake with upstream {} failed ({}); "
               "server_tls.sslmode = prefer: trying again without TLS",
               id_, client_addr_, upstream_target_.name(), why);
  upstream_end_.tls.reset();
  error_code ec;
  upstream_.close(ec);
  upstream_plain_retry_ = true;
  connect_upstream();
}

void Session::server_leg_failed(const std::string& why) {
  if (closed()) return;
  timer_.cancel();
  thread_.counters.add(ProxyMetric::UpstreamConnectFailures);
  std::string msg = fmt::format("pgsleuth: server leg to upstream {}: {} (server_tls.sslmode = {})",
                                upstream_target_.name(), why, tls_->server_sslmode);
  spdlog::warn("connection {} from {}: {}", id_, client_addr_, msg);
  fail_to_client("08006", msg);
  close(CloseReason::ServerLegFailed, why);
}

void Session::send_startup_upstream() {
  async_write_all(upstream_, upstream_end_.tls.get(), startup_packet_.data(), startup_packet_.size(),
                  [self = shared_from_this()](const std::string& err) {
                    if (!err.empty()) return self->close(CloseReason::UpstreamError, "write: " + err);
                    // Only a connection a later client could be given needs its key.
                    if (!self->observer_ || !self->thread_.pool.enabled()) std::string().swap(self->startup_packet_);
                    // Channel binding reaches the server only through
                    // pgsleuth showing the server's own certificate.
                    auto& client = self->client_end_.tls;
                    auto& server = self->upstream_end_.tls;
                    self->login_.emplace(server && !(client && client->own_certificate_is_peer_of(*server)));
                    self->start_forwarding();
                  });
}

}  // namespace pgsleuth::proxy
