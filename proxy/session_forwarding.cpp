// The forwarding phase of a session, on raw non-blocking sockets driven by
// the thread's level-triggered EventLoop. A chunk read from one side is
// written to the other at once; only what the peer cannot take yet waits,
// and while it waits that direction reads nothing more (backpressure).

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "proxy/session.hpp"
#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

using boost::system::error_code;

namespace {

// A full buffer means more is likely waiting: read again before going
// back to epoll, but not so often that one busy connection starves the
// others on the thread.
constexpr int kReadsPerWakeup = 8;

bool set_non_blocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool is_terminate(const std::vector<char>& buf, size_t n) {
  return std::string_view(buf.data(), n) == wire::kTerminate;
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
  if (ec) return close("taking the sockets from Asio: " + ec.message());
  if (!set_non_blocking(client_end_.fd) || !set_non_blocking(upstream_end_.fd)) {
    return close(std::string("non-blocking mode: ") + std::strerror(errno));
  }
  forwarding_ = true;
  keep_alive_ = shared_from_this();
  update_interest();
}

void Session::on_ready(SocketEnd& end, uint32_t events) {
  if (closed_) return;  // closed earlier in the same batch of events
  Flow& out = end.client ? to_client_ : to_server_;  // writes to `end`
  Flow& in = end.client ? to_server_ : to_client_;   // reads from `end`
  bool hangup = events & (EPOLLERR | EPOLLHUP);
  if (out.write_pending() && ((events & EPOLLOUT) || hangup)) flush(out);
  if (closed_ || end.fd < 0) return;
  if (!in.write_pending() && ((events & EPOLLIN) || hangup)) return read_from(in);
  // A hang-up is reported whatever the interest: with nothing to read or
  // write here it would be reported again and again.
  if (hangup && !out.write_pending()) on_read_end(in, socket_error(end.fd));
}

void Session::read_from(Flow& f) {
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    ssize_t n = ::recv(f.from.fd, f.buf.data(), f.buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return on_read_end(f, errno);
    }
    if (n == 0) return on_read_end(f, 0);
    forward(f, static_cast<size_t>(n));
    if (closed_ || f.from.fd < 0 || f.write_pending() || static_cast<size_t>(n) < f.buf.size()) return;
  }
}

void Session::forward(Flow& f, size_t n) {
  if (reset_) return on_reset_answer(n);
  if (f.from_client && is_terminate(f.buf, n) && keep_upstream()) return;
  if (!f.from_client && server_stream_) {
    n = pass_server_bytes(f.buf.data(), n);
    if (n == 0) return end_if_due();
  }
  auto now = events::SteadyTime::clock::now();
  thread_.counters.add(f.from_client ? ProxyMetric::BytesFromClients : ProxyMetric::BytesFromServers, n);
  ssize_t written = ::send(f.to.fd, f.buf.data(), n, MSG_NOSIGNAL);
  if (written < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return close(std::string(f.from_client ? "upstream" : "client") + " write: " + std::strerror(errno));
    }
    written = 0;
  }
  observe(f.from_client, n, now);
  if (static_cast<size_t>(written) == n) return end_if_due();
  f.unsent_at = static_cast<size_t>(written);
  f.unsent_end = n;
  update_interest();
}

void Session::flush(Flow& f) {
  ssize_t written = ::send(f.to.fd, f.buf.data() + f.unsent_at, f.unsent_end - f.unsent_at, MSG_NOSIGNAL);
  if (written < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return close(std::string(f.from_client ? "upstream" : "client") + " write: " + std::strerror(errno));
  }
  f.unsent_at += static_cast<size_t>(written);
  if (f.unsent_at < f.unsent_end) return;
  f.unsent_at = f.unsent_end = 0;
  update_interest();
  end_if_due();
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
    uint32_t want = (reads.write_pending() ? 0u : uint32_t{EPOLLIN}) | (writes.write_pending() ? uint32_t{EPOLLOUT} : 0u);
    if (end.registered && want == end.interest) return;
    bool ok = end.registered ? thread_.loop.modify(end.fd, &end, want) : thread_.loop.add(end.fd, &end, want);
    if (!ok) return close(std::string("epoll: ") + std::strerror(errno));
    end.registered = true;
    end.interest = want;
  };
  apply(client_end_, to_server_, to_client_);
  if (!closed_) apply(upstream_end_, to_client_, to_server_);
}

// End of one direction: err is 0 for an orderly close, else an errno.
void Session::on_read_end(Flow& f, int err) {
  if (f.from_client) {
    if (err == 0 && keep_upstream()) return;
    // A client gone while its query runs would leave the backend busy
    // until the query ends: cancel it, as the server cannot notice.
    if (observer_ && observer_->busy() && !backend_cancel_.empty()) {
      send_cancel_request(thread_.io, upstream_target_, backend_cancel_);
    }
    return close(err == 0 ? "client closed" : std::string("client: ") + std::strerror(err));
  }
  // The client gets what the server sent, then the end of the connection,
  // as it would from the server itself; half a message is the server's
  // fault worth a line.
  if (server_stream_ && !server_stream_->at_message_boundary()) server_broke("closed in the middle of a message");
  close(err == 0 ? "upstream closed" : std::string("upstream: ") + std::strerror(err));
}

}  // namespace pgsleuth::proxy
