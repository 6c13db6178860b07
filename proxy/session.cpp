#include "proxy/session.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "proxy/wire/byte_reader.hpp"
#include "proxy/wire/error_response.hpp"
#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

Session::Session(IoThread& thread, tcp::socket client, const Upstream& upstream,
                 const SessionOptions& options, uint64_t id)
    : thread_(thread),
      client_(std::move(client)),
      upstream_(thread.io),
      timer_(thread.io),
      upstream_target_(upstream),
      id_(id),
      login_timeout_(options.login_timeout),
      tls_(thread.tls),
      to_server_{client_end_, upstream_end_, std::vector<char>(options.buffer_bytes), true},
      to_client_{upstream_end_, client_end_, std::vector<char>(options.buffer_bytes), false} {
  error_code ec;
  auto remote = client_.remote_endpoint(ec);
  client_addr_ = ec ? "" : remote.address().to_string();
  client_.set_option(tcp::no_delay(true), ec);
  thread_.counters.add(ProxyMetric::ConnectionsTotal);
  thread_.counters.add(ProxyMetric::ConnectionsActive);
}

Session::~Session() {
  close_end(client_end_);
  close_end(upstream_end_);
  thread_.counters.sub(ProxyMetric::ConnectionsActive);
  thread_.sessions.erase(id_);
}

void Session::start() {
  thread_.sessions[id_] = weak_from_this();
  arm_login_deadline();
  read_startup();
}

void Session::observe(bool from_client, std::string_view bytes, events::SteadyTime now) {
  if (!observer_ || !observer_->active() || bytes.empty()) return;
  if (from_client) {
    observer_->client_bytes(bytes, now);
    if (observer_->take_database_ddl()) thread_.group.close_idle_servers_everywhere();
  } else {
    observer_->server_bytes(bytes, now);
    if (!observer_->server_fault().empty()) server_broke(observer_->server_fault());
  }
  if (!observer_->active()) {
    thread_.counters.add(ProxyMetric::ProtocolErrors);
    spdlog::warn("connection {} from {}: stopped analysing it: {}", id_, client_addr_,
                 observer_->failure());
  }
}

void Session::server_broke(const std::string& why) {
  if (!server_fault_.empty()) return;
  server_fault_ = why;
  spdlog::warn("connection {} from {}: upstream {} broke the protocol ({}); closing", id_, client_addr_,
               upstream_target_.name(), why);
}

// The server's BackendKeyData has gone to the client, with the client's
// own secret in it: a cancel with that key reaches this backend for as long
// as this client holds it, and never after.
void Session::on_backend_key() {
  const std::string& backend = server_stream_->backend_key();
  const std::string& client = server_stream_->client_key();
  backend_cancel_ = wire::make_cancel_request(backend);
  thread_.cancel_keys.remove(cancel_ticket_);
  cancel_ticket_ = {};
  // Passed unchanged (no reuse, so no later client): the server's own key
  // reaches it.
  if (client == backend) return;
  uint32_t pid = *wire::ByteReader(backend).u32();
  cancel_ticket_ = thread_.cancel_keys.add(pid, client.substr(4), backend_cancel_);
}

void Session::drain(bool force) {
  draining_ = true;
  if (force) {
    fail_to_client("57P01", "terminating connection: pgsleuth is shutting down");
    return close(CloseReason::Shutdown);
  }
  end_if_due();
}

// A session that waits for its bytes to be out (a server that broke the
// protocol, a shutdown) ends once they are: the end of a result on its way
// to a slow client, say, is part of the answer.
void Session::end_if_due() {
  if (closed() || to_client_.write_pending()) return;
  if (!server_fault_.empty()) {
    fail_to_client("08P01", "pgsleuth: upstream " + upstream_target_.name() +
                                " broke the PostgreSQL protocol: " + server_fault_);
    return close(CloseReason::UpstreamBrokeProtocol, server_fault_);
  }
  if (!draining_ || to_server_.write_pending()) return;
  // Only a connection with nothing in flight and no open transaction can
  // be closed without the application losing work.
  if (observer_ && observer_->active() && !observer_->busy() && observer_->tx_status() == 'I') {
    fail_to_client("57P01", "terminating connection: pgsleuth is shutting down");
    close(CloseReason::Shutdown);
  }
}

void Session::fail_to_client(std::string_view sqlstate, const std::string& message) {
  // Never inside a message the server is still sending to the client: only
  // when all forwarded bytes are written and they ended on a message
  // boundary (unknown without an observer, so then not at all).
  if (phase_ >= Phase::Resetting || to_client_.write_pending()) return;
  if (phase_ >= Phase::Login && !(server_stream_ && server_stream_->at_message_boundary())) return;
  int fd = client_end_.fd >= 0 ? client_end_.fd : client_.native_handle();
  std::string err = wire::make_error_response("FATAL", sqlstate, message);
  // Best effort and tiny: the socket's send buffer takes it at once.
  if (client_end_.tls) {
    client_end_.tls->write(err.data(), err.size());
    return;
  }
  [[maybe_unused]] ssize_t n = ::send(fd, err.data(), err.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void Session::close(CloseReason reason, std::string_view detail) {
  if (closed()) return;
  bool client_open = phase_ < Phase::Resetting;
  phase_ = Phase::Closed;
  spdlog::debug("connection {} from {} closed: {}{}{}", id_, client_addr_, name(reason), detail.empty() ? "" : ": ",
                detail);
  error_code ec;
  timer_.cancel();
  // Not into the middle of a client message still being written.
  if (upstream_end_.fd >= 0 && reason == CloseReason::Shutdown && !to_server_.write_pending()) {
    upstream_end_.send_some(wire::kTerminate.data(), wire::kTerminate.size());
  }
  if (client_open) end_client_side();
  close_end(upstream_end_);
  thread_.loop.forget(&client_end_);
  thread_.loop.forget(&upstream_end_);
  upstream_.close(ec);
  // Asio objects were touched outside its handlers; the loop may still
  // hold events for the sockets just closed.
  thread_.loop.poll_asio_soon();
  if (keep_alive_) thread_.loop.retire(std::move(keep_alive_));
}

void Session::close_end(SocketEnd& end) {
  if (end.fd < 0) return;
  if (end.registered) thread_.loop.remove(end.fd);
  if (end.tls) end.tls->shutdown();
  end.tls.reset();
  ::close(end.fd);
  end.fd = -1;
  end.registered = false;
  end.interest = 0;
}

std::string Session::SocketEnd::failure(int err) const {
  if (tls && !tls->error().empty()) return tls->error();
  return std::strerror(err);
}

// Once per session: when it is kept for the pool or when it closes.
void Session::end_client_side() {
  thread_.cancel_keys.remove(cancel_ticket_);
  cancel_ticket_ = {};
  error_code ec;
  close_end(client_end_);
  client_.close(ec);
  if (observer_) observer_->close();
  if (info_) thread_.publish(events::ConnectionClosed{info_, events::SteadyTime::clock::now()});
}

}  // namespace pgsleuth::proxy
