#include "proxy/session.hpp"

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "proxy/wire/error_response.hpp"

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
      client_buf_(options.buffer_bytes),
      server_buf_(options.buffer_bytes) {
  error_code ec;
  auto remote = client_.remote_endpoint(ec);
  client_addr_ = ec ? "" : remote.address().to_string();
  client_.set_option(tcp::no_delay(true), ec);
  IoThreadCounters::add(thread_.counters.connections_total);
  IoThreadCounters::add(thread_.counters.connections_active);
}

Session::~Session() {
  IoThreadCounters::sub(thread_.counters.connections_active);
  thread_.sessions.erase(id_);
}

void Session::start() {
  thread_.sessions[id_] = weak_from_this();
  read_startup();
}

void Session::pump_client() {
  client_.async_read_some(asio::buffer(client_buf_), [self = shared_from_this()](error_code ec, size_t n) {
    if (ec) {
      // A client gone while its query runs would leave the backend busy
      // until the query ends: cancel it, as the server cannot notice.
      if (self->observer_ && self->observer_->busy() && self->observer_->backend_key()) {
        send_cancel_request(self->thread_.io, self->upstream_target_,
                            self->observer_->backend_key()->packet);
      }
      return self->close(ec == asio::error::eof ? "client closed" : "client: " + ec.message());
    }
    auto now = events::SteadyTime::clock::now();
    IoThreadCounters::add(self->thread_.counters.bytes_from_clients, n);
    asio::async_write(self->upstream_, asio::buffer(self->client_buf_.data(), n),
                      [self](error_code wec, size_t) {
                        if (wec) return self->close("upstream write: " + wec.message());
                        self->pump_client();
                      });
    self->observe(true, n, now);
  });
}

void Session::pump_server() {
  upstream_.async_read_some(asio::buffer(server_buf_), [self = shared_from_this()](error_code ec, size_t n) {
    if (ec) return self->close(ec == asio::error::eof ? "upstream closed" : "upstream: " + ec.message());
    auto now = events::SteadyTime::clock::now();
    IoThreadCounters::add(self->thread_.counters.bytes_from_servers, n);
    self->client_write_pending_ = true;
    asio::async_write(self->client_, asio::buffer(self->server_buf_.data(), n),
                      [self](error_code wec, size_t) {
                        self->client_write_pending_ = false;
                        if (wec) return self->close("client write: " + wec.message());
                        self->maybe_finish_drain();
                        if (!self->closed_) self->pump_server();
                      });
    self->observe(false, n, now);
  });
}

void Session::observe(bool from_client, size_t n, events::SteadyTime now) {
  if (!observer_ || !observer_->active()) return;
  if (from_client) {
    observer_->client_bytes({client_buf_.data(), n}, now);
  } else {
    observer_->server_bytes({server_buf_.data(), n}, now);
  }
  if (!observer_->active()) {
    IoThreadCounters::add(thread_.counters.observer_failures);
    spdlog::warn("connection {} from {}: stopped analysing it: {}", id_, client_addr_,
                 observer_->failure());
  }
}

void Session::drain(bool force) {
  draining_ = true;
  if (force) {
    fail_to_client("57P01", "terminating connection: pgsleuth is shutting down");
    return close("shutdown");
  }
  maybe_finish_drain();
}

void Session::maybe_finish_drain() {
  if (!draining_ || closed_) return;
  // Only a connection with nothing in flight and no open transaction can
  // be closed without the application losing work.
  if (observer_ && observer_->active() && !observer_->busy() && observer_->tx_status() == 'I') {
    fail_to_client("57P01", "terminating connection: pgsleuth is shutting down");
    close("shutdown");
  }
}

void Session::fail_to_client(std::string_view sqlstate, const std::string& message) {
  // Never inside a message the server is still sending to the client.
  if (closed_ || client_write_pending_) return;
  std::string err = wire::make_error_response("FATAL", sqlstate, message);
  error_code ec;
  // Best effort and tiny: the socket's send buffer takes it at once.
  asio::write(client_, asio::buffer(err), ec);
}

void Session::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  spdlog::debug("connection {} from {} closed: {}", id_, client_addr_, reason);
  error_code ec;
  timer_.cancel();
  if (upstream_.is_open() && reason == "shutdown") {
    static const char terminate[] = {'X', 0, 0, 0, 4};
    asio::write(upstream_, asio::buffer(terminate, sizeof terminate), ec);
  }
  client_.close(ec);
  upstream_.close(ec);
  if (observer_) observer_->close();
  if (info_) thread_.publish(events::ConnectionClosed{info_, events::SteadyTime::clock::now()});
}

}  // namespace pgsleuth::proxy
