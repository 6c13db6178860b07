// The forwarding phase of a session, on raw non-blocking sockets driven by
// the thread's level-triggered EventLoop. A chunk read from one side is
// written to the other at once; only what the peer cannot take yet waits,
// and while it waits that direction reads nothing more (backpressure).

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "proxy/session.hpp"
#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

using boost::system::error_code;

namespace {

constexpr const char* kChannelBindingAdvice =
    "pgsleuth: SCRAM channel binding cannot pass through pgsleuth: the client's TLS leg ends at pgsleuth, whose "
    "certificate is not the server's, so the binding would not match. Connect with channel_binding=disable, or "
    "use a plain client leg to pgsleuth on a trusted host (client_tls.sslmode = disable, with sslmode=disable "
    "or prefer), or give pgsleuth the server's certificate and key (client_tls.cert_file, client_tls.key_file)";

// A full buffer means more is likely waiting: read again before going
// back to epoll, but not so often that one busy connection starves the
// others on the thread.
constexpr int kReadsPerWakeup = 8;

bool set_non_blocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool ends_in_terminate(const std::vector<char>& buf, size_t n) {
  return n >= wire::kTerminate.size() &&
         std::string_view(buf.data() + n - wire::kTerminate.size(), wire::kTerminate.size()) == wire::kTerminate;
}

int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err ? err : ECONNRESET;
}

}  // namespace

void Session::start_forwarding() {
  error_code ec;
  auto local = upstream_.local_endpoint(ec);
  if (!ec) upstream_protocol_ = local.protocol();
  // Both sockets leave Asio here (which deregisters them from its epoll).
  client_end_.fd = client_.release(ec);
  if (!ec) upstream_end_.fd = upstream_.release(ec);
  if (ec) return close(CloseReason::Internal, "taking the sockets from Asio: " + ec.message());
  if (!set_non_blocking(client_end_.fd) || !set_non_blocking(upstream_end_.fd)) {
    return close(CloseReason::Internal, std::string("non-blocking mode: ") + std::strerror(errno));
  }
  phase_ = login_ ? Phase::Login : Phase::Forwarding;
  keep_alive_ = shared_from_this();
  update_interest();
  // What OpenSSL read ahead during the login (a client's pipelined first
  // query, say) does not make a descriptor readable.
  if (!closed() && client_end_.tls && client_end_.tls->has_pending()) read_from(to_server_);
  if (!closed() && upstream_end_.tls && upstream_end_.tls->has_pending()) read_from(to_client_);
}

void Session::on_ready(SocketEnd& end, uint32_t events) {
  if (closed()) return;  // closed earlier in the same batch of events
  Flow& out = end.client ? to_client_ : to_server_;  // writes to `end`
  Flow& in = end.client ? to_server_ : to_client_;   // reads from `end`
  bool hangup = events & (EPOLLERR | EPOLLHUP);
  if (out.write_pending() && ((events & EPOLLOUT) || hangup)) flush(out);
  if (closed() || end.fd < 0) return;
  bool readable = (events & EPOLLIN) || hangup || (end.read_wants_write && (events & EPOLLOUT));
  if (!in.write_pending() && readable) return read_from(in);
  // A hang-up is reported whatever the interest: with nothing to read or
  // write here it would be reported again and again.
  if (hangup && !out.write_pending()) on_read_end(in, socket_error(end.fd));
}

void Session::read_from(Flow& f) {
  if (f.from.read_wants_write) {
    f.from.read_wants_write = false;
    update_interest();
  }
  for (int i = 1;; ++i) {
    ssize_t n = f.from.recv_some(f.buf.data(), f.buf.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        // TLS: a read that must write first (a key update's answer).
        if (f.from.tls && f.from.tls->wants_write()) {
          f.from.read_wants_write = true;
          update_interest();
        }
        return;
      }
      return on_read_end(f, errno);
    }
    if (n == 0) return on_read_end(f, 0);
    forward(f, static_cast<size_t>(n));
    if (closed() || f.from.fd < 0 || f.write_pending()) return;
    // Bytes inside OpenSSL wake no epoll: read on now, or after the
    // other connections' turn.
    if (f.from.tls && f.from.tls->has_pending()) {
      if (i < kReadsPerWakeup) continue;
      return thread_.loop.again(&f.from);
    }
    if (static_cast<size_t>(n) < f.buf.size() || i >= kReadsPerWakeup) return;
  }
}

void Session::forward(Flow& f, size_t n) {
  if (phase_ == Phase::Resetting) return on_reset_answer(n);
  if (phase_ == Phase::Login && !filter_login(f, n)) return;
  if (!f.from_client && server_stream_) {
    n = pass_server_bytes(f.buf.data(), n);
    if (n == 0) return end_if_due();
  }
  auto now = events::SteadyTime::clock::now();
  thread_.counters.add(f.from_client ? ProxyMetric::BytesFromClients : ProxyMetric::BytesFromServers, n);
  // A Terminate is the last message a client sends: its bytes wait until
  // the decoder has said whether they are one, so that the server
  // connection can go to a later client instead of ending.
  const bool may_keep = f.from_client && thread_.pool.enabled() && observer_ && observer_->active();
  size_t held = may_keep && ends_in_terminate(f.buf, n) ? wire::kTerminate.size() : 0;
  size_t head = n - held;
  size_t written = head ? send_from(f, 0, head) : 0;
  if (closed()) return;
  observe(f.from_client, {f.buf.data(), head}, now);
  if (held) {
    observe(true, {f.buf.data() + head, held}, now);
    if (written == head) {
      if (observer_->client_terminated() && keep_upstream()) return;
      written += send_from(f, head, n);
      if (closed()) return;
    }
  }
  if (written == n) return end_if_due();
  f.unsent_at = written;
  f.unsent_end = n;
  update_interest();
}

size_t Session::send_from(Flow& f, size_t begin, size_t end) {
  ssize_t written = f.to.send_some(f.buf.data() + begin, end - begin);
  if (written >= 0) return static_cast<size_t>(written);
  if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    close(f.from_client ? CloseReason::UpstreamError : CloseReason::ClientError, "write: " + f.to.failure(errno));
  }
  return 0;
}

void Session::flush(Flow& f) {
  f.unsent_at += send_from(f, f.unsent_at, f.unsent_end);
  if (closed() || f.unsent_at < f.unsent_end) return;
  f.unsent_at = f.unsent_end = 0;
  update_interest();
  end_if_due();
  // Reading stopped while this waited; what OpenSSL holds will not wake it.
  if (!closed() && f.from.fd >= 0 && f.from.tls && f.from.tls->has_pending()) read_from(f);
}

size_t Session::pass_server_bytes(char* data, size_t n) {
  size_t ok = server_stream_->pass(data, n);
  if (server_stream_->take_new_key()) on_backend_key();
  if (ok < n) server_broke(server_stream_->error());
  return ok;
}

// Reading a side stops while its bytes wait for the other side; writing
// is watched only while something waits.
void Session::update_interest() {
  auto apply = [this](SocketEnd& end, const Flow& reads, const Flow& writes) {
    if (end.fd < 0) return;
    uint32_t want = (reads.write_pending() ? 0u : uint32_t{EPOLLIN}) |
                    (writes.write_pending() || end.read_wants_write ? uint32_t{EPOLLOUT} : 0u);
    if (end.registered && want == end.interest) return;
    bool ok = end.registered ? thread_.loop.modify(end.fd, &end, want) : thread_.loop.add(end.fd, &end, want);
    if (!ok) return close(CloseReason::Internal, std::string("epoll: ") + std::strerror(errno));
    end.registered = true;
    end.interest = want;
  };
  apply(client_end_, to_server_, to_client_);
  if (!closed()) apply(upstream_end_, to_client_, to_server_);
}

// End of one direction: err is 0 for an orderly close, else an errno.
void Session::on_read_end(Flow& f, int err) {
  if (f.from_client) {
    // A Terminate that went to the server ended its backend.
    bool terminated = observer_ && observer_->client_terminated();
    if (err == 0 && !terminated && keep_upstream()) return;
    // A client gone while its query runs would leave the backend busy
    // until the query ends: cancel it, as the server cannot notice.
    if (observer_ && observer_->busy() && !backend_cancel_.empty()) {
      send_cancel_request(thread_.io, upstream_target_, {upstream_endpoint_}, backend_cancel_);
    }
    if (err == 0) return close(CloseReason::ClientClosed);
    return close(CloseReason::ClientError, f.from.failure(err));
  }
  // The client gets what the server sent, then the end of the connection,
  // as it would from the server itself; half a message is the server's
  // fault worth a line.
  if (server_stream_ && !server_stream_->at_message_boundary()) server_broke("closed in the middle of a message");
  if (err == 0) return close(CloseReason::UpstreamClosed);
  close(CloseReason::UpstreamError, f.from.failure(err));
}

bool Session::filter_login(Flow& f, size_t& n) {
  if (f.from_client) {
    if (login_->client_bytes({f.buf.data(), n})) return true;
    spdlog::warn("connection {} from {}: client leg: the client asked for SCRAM channel binding, which cannot reach "
                 "the server through pgsleuth here; refused", id_, client_addr_);
    fail_to_client("08P01", kChannelBindingAdvice);
    close(CloseReason::ClientRefused, "channel binding through the proxy");
    return false;
  }
  n = login_->server_bytes(f.buf.data(), n);
  if (login_->done()) on_login_done();
  return true;
}

void Session::on_login_done() {
  if (login_->stripped()) {
    spdlog::debug("connection {} from {}: SCRAM-SHA-256-PLUS left out of the server's SASL mechanisms", id_,
                  client_addr_);
  }
  if (login_->missed()) {
    spdlog::warn("connection {} from {}: the server's SASL mechanisms arrived split; passed unchanged", id_,
                 client_addr_);
  }
  // PostgreSQL's pg_hba.conf refusals end in "no encryption" (a hostssl
  // line wanted TLS) or "SSL encryption" (a hostnossl line did not).
  const std::string& message = login_->error_message();
  if (message.find("no encryption") != std::string::npos && !upstream_end_.tls) {
    spdlog::warn("connection {} from {}: server leg: upstream {} refused the login because the server leg is not "
                 "encrypted (server_tls.sslmode = {}): {}",
                 id_, client_addr_, upstream_target_.name(), tls_->server_sslmode, message);
  } else if (message.find("SSL encryption") != std::string::npos && upstream_end_.tls) {
    spdlog::warn("connection {} from {}: server leg: upstream {} refused the login because the server leg is "
                 "encrypted (server_tls.sslmode = {}): {}",
                 id_, client_addr_, upstream_target_.name(), tls_->server_sslmode, message);
  }
  login_.reset();
  phase_ = Phase::Forwarding;
}

}  // namespace pgsleuth::proxy
