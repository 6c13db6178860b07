#include "proxy/upstream_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/write.hpp>

#include "proxy/wire/messages.hpp"

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

// Nothing to read and not closed: the server has said nothing since the
// connection was cleaned.
bool quiet(IdleServer& s) {
  if (s.tls && s.tls->has_pending()) return false;
  char c;
  ssize_t n = ::recv(s.socket.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

UpstreamPool::UpstreamPool(asio::io_context& io, UpstreamPoolOptions options)
    : options_(options), sweep_timer_(io) {}

UpstreamPool::~UpstreamPool() { close_idle(true); }

std::optional<IdleServer> UpstreamPool::take(const std::string& startup_packet, TlsLevel needed) {
  if (!enabled()) return std::nullopt;
  sweep();
  for (size_t i = idle_.size(); i-- > 0;) {
    if (idle_[i].startup_packet != startup_packet || idle_[i].level < needed) continue;
    IdleServer s = std::move(idle_[i]);
    idle_.erase(idle_.begin() + static_cast<std::ptrdiff_t>(i));
    count();
    if (quiet(s)) return s;
    error_code ec;
    s.socket.close(ec);
  }
  return std::nullopt;
}

void UpstreamPool::put(IdleServer server, uint64_t generation) {
  server.since = Clock::now();
  if (!enabled() || generation != generation_ || server.since - server.opened >= options_.lifetime) {
    return terminate(server);
  }
  if (idle_.size() >= options_.max_idle) {
    terminate(idle_.front());
    idle_.pop_front();
  }
  idle_.push_back(std::move(server));
  count();
  arm_sweep();
}

void UpstreamPool::close_idle(bool for_good) {
  closed_ = closed_ || for_good;
  ++generation_;
  for (auto& s : idle_) terminate(s);
  idle_.clear();
  count();
  sweep_timer_.cancel();
  sweep_armed_ = false;
}

void UpstreamPool::sweep() {
  auto now = Clock::now();
  // A few dozen at most: oldest parked first, but not oldest logged in.
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (!expired(*it, now)) {
      ++it;
      continue;
    }
    terminate(*it);
    it = idle_.erase(it);
  }
  count();
}

void UpstreamPool::arm_sweep() {
  if (sweep_armed_ || idle_.empty()) return;
  sweep_armed_ = true;
  auto next = Clock::time_point::max();
  for (const auto& s : idle_) next = std::min({next, s.since + options_.idle_timeout, s.opened + options_.lifetime});
  next = std::max(next, Clock::now() + std::chrono::milliseconds(10));
  sweep_timer_.expires_at(next);
  sweep_timer_.async_wait([this, token = ++sweep_token_](error_code ec) {
    if (ec || token != sweep_token_) return;  // cancelled; close_idle reset the state
    sweep_armed_ = false;
    sweep();
    arm_sweep();
  });
}

void UpstreamPool::terminate(IdleServer& server) {
  // Terminate, so the server ends the backend without logging a lost client.
  error_code ec;
  if (server.socket.is_open()) {
    if (server.tls) {
      server.tls->write(wire::kTerminate.data(), wire::kTerminate.size());
      server.tls->shutdown();
    } else {
      server.socket.write_some(asio::buffer(wire::kTerminate.data(), wire::kTerminate.size()), ec);
    }
    server.socket.close(ec);
  }
}

}  // namespace pgsleuth::proxy
