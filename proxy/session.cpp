#include "proxy/session.hpp"

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

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
      to_server_{client_, upstream_, std::vector<char>(options.buffer_bytes), true},
      to_client_{upstream_, client_, std::vector<char>(options.buffer_bytes), false} {
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

// Forwarding, one direction. Each chunk is written with a direct
// non-blocking write (it nearly always goes through at once, and no
// completion has to be queued); only a write the peer cannot take yet
// becomes an async_write, which also stops reading this direction
// (backpressure). Reads go through async_read_some; Boost 1.81's epoll
// reactor first tries each read speculatively (an EAGAIN recv in
// request/response traffic), which async_wait would only trade for an
// epoll_ctl per wait (measured: the same syscall count). Telling the
// reactor after a short read that the socket is empty (its private
// try_speculative_ flag) saved 6 us of CPU per pgbench transaction but can
// lose a wakeup: an edge consumed between the recv and the handler (a
// speculative completion waits behind epoll_wait), or a FIN that came with
// the last bytes, would never be reported again. So reads stay as Boost
// does them.
void Session::pump(Flow& f) {
  if (closed_) return;
  f.from.async_read_some(asio::buffer(f.buf), [self = shared_from_this(), &f](error_code ec, size_t n) {
    if (ec) return self->on_read_error(f, ec);
    self->forward(f, n);
  });
}

namespace {

bool is_terminate(const std::vector<char>& buf, size_t n) {
  return std::string_view(buf.data(), n) == wire::kTerminate;
}

}  // namespace

void Session::forward(Flow& f, size_t n) {
  if (reset_) return on_reset_answer(n);
  if (f.from_client && is_terminate(f.buf, n) && keep_upstream()) return;
  auto now = events::SteadyTime::clock::now();
  IoThreadCounters::add(f.from_client ? thread_.counters.bytes_from_clients : thread_.counters.bytes_from_servers, n);
  error_code ec;
  size_t written = f.to.write_some(asio::buffer(f.buf.data(), n), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    written = 0;
  } else if (ec) {
    return close(std::string(f.from_client ? "upstream" : "client") + " write: " + ec.message());
  }
  observe(f.from_client, n, now);
  if (written == n) return after_write(f);
  f.write_pending = true;
  asio::async_write(f.to, asio::buffer(f.buf.data() + written, n - written),
                    [self = shared_from_this(), &f](error_code wec, size_t) {
                      f.write_pending = false;
                      if (wec) {
                        return self->close(std::string(f.from_client ? "upstream" : "client") +
                                           " write: " + wec.message());
                      }
                      self->after_write(f);
                    });
}

void Session::after_write(Flow& f) {
  if (!f.from_client) maybe_finish_drain();
  pump(f);
}

void Session::on_read_error(Flow& f, const error_code& ec) {
  if (ec == asio::error::operation_aborted) return;
  if (f.from_client) {
    if (ec == asio::error::eof && keep_upstream()) return;
    // A client gone while its query runs would leave the backend busy
    // until the query ends: cancel it, as the server cannot notice.
    if (observer_ && observer_->busy() && observer_->backend_key()) {
      send_cancel_request(thread_.io, upstream_target_, observer_->backend_key()->packet);
    }
    return close(ec == asio::error::eof ? "client closed" : "client: " + ec.message());
  }
  close(ec == asio::error::eof ? "upstream closed" : "upstream: " + ec.message());
}

void Session::observe(bool from_client, size_t n, events::SteadyTime now) {
  if (!observer_ || !observer_->active()) return;
  if (from_client) {
    observer_->client_bytes({to_server_.buf.data(), n}, now);
    if (observer_->take_database_ddl() && thread_.close_idle_servers_everywhere) {
      thread_.close_idle_servers_everywhere();
    }
  } else {
    observer_->server_bytes({to_client_.buf.data(), n}, now);
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
  // Never inside a message the server is still sending to the client: only
  // when all forwarded bytes are written and they ended on a message
  // boundary (unknown without an observer, so then not at all).
  if (closed_ || to_client_.write_pending) return;
  if (forwarding_ && !(observer_ && observer_->active() && observer_->server_at_message_boundary())) return;
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
    asio::write(upstream_, asio::buffer(wire::kTerminate.data(), wire::kTerminate.size()), ec);
  }
  end_client_side();
  upstream_.close(ec);
}

void Session::end_client_side() {
  if (client_done_) return;
  client_done_ = true;
  error_code ec;
  client_.close(ec);
  if (observer_) observer_->close();
  if (info_) thread_.publish(events::ConnectionClosed{info_, events::SteadyTime::clock::now()});
}

}  // namespace pgsleuth::proxy
