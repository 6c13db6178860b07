// The startup phase of a session: encryption requests, cancel requests and
// the StartupMessage, then the upstream connection.

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "proxy/session.hpp"
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
    self->close("login timeout");
  });
}

void Session::read_startup() {
  startup_packet_.resize(4);
  asio::async_read(client_, asio::buffer(startup_packet_), [self = shared_from_this()](error_code ec, size_t) {
    if (ec) return self->close("client left during startup");
    if (wire::looks_like_tls_client_hello(self->startup_packet_)) {
      spdlog::warn("connection {} from {}: TLS ClientHello without SSLRequest (direct SSL) is not "
                   "supported; closing", self->id_, self->client_addr_);
      return self->close("direct TLS");
    }
    uint32_t len = wire::startup_packet_length(self->startup_packet_);
    if (len == 0) {
      spdlog::warn("connection {} from {}: invalid startup packet length; closing", self->id_,
                   self->client_addr_);
      return self->close("invalid startup packet");
    }
    self->startup_packet_.resize(len);
    asio::async_read(self->client_, asio::buffer(self->startup_packet_.data() + 4, len - 4),
                     [self](error_code ec2, size_t) {
                       if (ec2) return self->close("client left during startup");
                       self->on_startup_packet();
                     });
  });
}

void Session::answer_encryption_request(const char* what, bool& answered) {
  error_code ec;
  // Bytes sent behind the request before our answer would be read as if
  // they came over the encrypted channel (CVE-2021-3935): refuse them.
  if (answered || client_.available(ec) > 0) {
    spdlog::warn("connection {} from {}: {} repeated or followed by unexpected data; closing", id_,
                 client_addr_, what);
    return close("bad encryption request");
  }
  answered = true;
  static const char no = 'N';
  asio::async_write(client_, asio::buffer(&no, 1), [self = shared_from_this()](error_code wec, size_t) {
    if (wec) return self->close("client write: " + wec.message());
    self->read_startup();
  });
}

void Session::on_startup_packet() {
  wire::StartupPacket packet = wire::parse_startup_packet(startup_packet_);
  if (std::holds_alternative<wire::SslRequest>(packet)) {
    return answer_encryption_request("SSLRequest", ssl_answered_);
  }
  if (std::holds_alternative<wire::GssEncRequest>(packet)) {
    return answer_encryption_request("GSSENCRequest", gss_answered_);
  }
  if (auto* cancel = std::get_if<wire::CancelRequest>(&packet)) return forward_cancel(*cancel);
  if (auto* err = std::get_if<wire::StartupError>(&packet)) {
    spdlog::warn("connection {} from {}: {}; closing", id_, client_addr_, err->reason);
    fail_to_client("08P01", "pgsleuth: " + err->reason);
    return close("bad startup packet");
  }
  const auto& startup = std::get<wire::StartupMessage>(packet);
  timer_.cancel();  // the login deadline: the client has spoken
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
  send_cancel_request(thread_.io, upstream_target_, backend ? std::move(*backend) : startup_packet_);
  close(backend ? "cancel request forwarded to its backend" : "cancel request passed on as sent");
}

void Session::connect_upstream() {
  timer_.expires_after(upstream_target_.connect_timeout);
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) self->upstream_.close();  // the connect fails with operation_aborted
  });
  asio::async_connect(upstream_, upstream_target_.endpoints,
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
                          return self->close("upstream unreachable");
                        }
                        self->on_upstream_connected();
                      });
}

void Session::on_upstream_connected() {
  upstream_opened_ = std::chrono::steady_clock::now();
  error_code ec;
  upstream_.set_option(tcp::no_delay(true), ec);
  asio::async_write(upstream_, asio::buffer(startup_packet_), [self = shared_from_this()](error_code wec, size_t) {
    if (wec) return self->close("upstream write: " + wec.message());
    // Only a connection a later client could be given needs its key.
    if (!self->observer_ || !self->thread_.pool.enabled()) std::string().swap(self->startup_packet_);
    self->start_forwarding();
  });
}

}  // namespace pgsleuth::proxy
