// Server connections outliving their client: a client that leaves cleanly
// hands its server connection, cleaned with DISCARD ALL, to the thread's
// pool; a later client with the same startup packet gets it, introduced by
// the greeting the server gave the first one (kept current).

#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "proxy/session.hpp"
#include "proxy/tls_async.hpp"

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// DISCARD ALL answers in well under a millisecond; a server that takes
// this long is not one to hand to the next client.
constexpr std::chrono::seconds kResetTimeout{5};

}  // namespace

bool Session::reuse_idle_upstream() {
  if (!observer_) return false;
  auto idle = thread_.pool.take(startup_packet_, tls_->upstream_level_needed(client_end_.tls != nullptr));
  if (!idle) return false;
  thread_.counters.add(ProxyMetric::ServersReused);
  upstream_ = std::move(idle->socket);
  error_code rec;
  upstream_endpoint_ = upstream_.remote_endpoint(rec);
  upstream_end_.tls = std::move(idle->tls);
  upstream_level_ = idle->level;
  upstream_opened_ = idle->opened;
  greeting_ = std::move(idle->greeting);
  // As if the server said it: this client is given a key of its own.
  pass_server_bytes(greeting_.data(), greeting_.size());
  observer_->server_bytes(greeting_, events::SteadyTime::clock::now());
  async_write_all(client_, client_end_.tls.get(), greeting_.data(), greeting_.size(),
                  [self = shared_from_this()](const std::string& err) {
                    std::string().swap(self->greeting_);
                    if (!err.empty()) return self->close(CloseReason::ClientError, "write: " + err);
                    self->start_forwarding();
                  });
  return true;
}

// Called when the client has sent Terminate (not forwarded) or closed.
// Returns false when the server connection cannot be kept: then the
// caller goes on as for any other close.
bool Session::keep_upstream() {
  if (phase_ != Phase::Forwarding || draining_ || !thread_.pool.enabled() || !server_fault_.empty()) return false;
  if (!observer_ || !observer_->reusable_at_rest()) return false;
  if (to_client_.write_pending() || to_server_.write_pending()) return false;
  std::string_view request = ServerReset::request();
  ssize_t written = upstream_end_.send_some(request.data(), request.size());
  if (written <= 0) return false;  // nothing sent: the caller closes as usual
  if (static_cast<size_t>(written) != request.size()) {
    // Half a query on the wire: the connection can only be closed.
    close(CloseReason::UpstreamError, "write: partial DISCARD ALL");
    return true;
  }
  reset_.emplace(observer_->greeting());
  phase_ = Phase::Resetting;
  pool_generation_ = thread_.pool.generation();
  end_client_side();
  timer_.expires_after(kResetTimeout);
  timer_.async_wait([self = shared_from_this()](error_code tec) {
    if (!tec) self->close(CloseReason::ServerNotKept, "no answer to DISCARD ALL");
  });
  thread_.loop.poll_asio_soon();
  return true;
}

// The server's answer to DISCARD ALL, read by the server-to-client flow.
void Session::on_reset_answer(size_t n) {
  if (closed()) return;  // timed out or drained while the answer was on its way
  switch (reset_->feed({to_client_.buf.data(), n})) {
    case ServerReset::State::Waiting:
      return;
    case ServerReset::State::Failed:
      thread_.counters.add(ProxyMetric::ServerResetsFailed);
      spdlog::debug("connection {}: server connection not kept: {}", id_, reset_->failure());
      return close(CloseReason::ServerNotKept, reset_->failure());
    case ServerReset::State::Clean:
      break;
  }
  if (!reset_->greeting().reusable()) return close(CloseReason::ServerNotKept, "unusual parameters");
  timer_.cancel();
  // The socket goes back to Asio, where the pool watches it.
  thread_.loop.remove(upstream_end_.fd);
  int fd = std::exchange(upstream_end_.fd, -1);
  upstream_end_.registered = false;
  boost::asio::ip::tcp::socket socket(thread_.io);
  error_code ec;
  socket.assign(upstream_protocol_, fd, ec);
  if (ec) {
    ::close(fd);
    return close(CloseReason::ServerNotKept, ec.message());
  }
  thread_.pool.put(IdleServer{std::move(socket), std::move(startup_packet_),
                              reset_->greeting().replay(server_stream_->backend_key()), upstream_opened_, {},
                              std::move(upstream_end_.tls), upstream_level_},
                   pool_generation_);
  close(CloseReason::ServerKept);
}

}  // namespace pgsleuth::proxy
