#pragma once
// Idle server connections of one I/O thread, cleaned and waiting for the
// next client whose startup packet is byte-for-byte the one they were
// opened with (pgbouncer's session pooling). A new backend costs a fork,
// a login and a cold start: measured on pgbench -S, fresh backends reach
// full speed only after seconds, while a reused one is warm at once.
// Owned by its thread alone, so no lock.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "proxy/tls.hpp"

namespace pgsleuth::proxy {

struct UpstreamPoolOptions {
  bool enabled = true;
  size_t max_idle = 20;  // on this thread
  std::chrono::milliseconds idle_timeout{30'000};
  // A login the server granted once is not vouched for forever: pg_hba.conf
  // or the role may have changed since (pgbouncer's server_lifetime). An
  // idle connection this old after its login is closed, not given.
  std::chrono::milliseconds lifetime{3'600'000};
};

struct IdleServer {
  boost::asio::ip::tcp::socket socket;
  std::string startup_packet;  // the key
  std::string greeting;        // replayed to the next client
  std::chrono::steady_clock::time_point opened{};  // the server's login
  std::chrono::steady_clock::time_point since{};   // parked
  std::unique_ptr<TlsStream> tls;                  // the upstream leg's, if encrypted
  TlsLevel level = TlsLevel::Plain;
};

class UpstreamPool {
 public:
  UpstreamPool(boost::asio::io_context& io, UpstreamPoolOptions options);
  ~UpstreamPool();

  bool enabled() const {
    return options_.enabled && options_.max_idle > 0 && options_.lifetime.count() > 0 && !closed_;
  }
  // Changes whenever every idle connection is closed: a connection whose
  // cleaning began before that must not be parked after it.
  uint64_t generation() const { return generation_; }
  // The most recently parked connection opened with this startup packet
  // that is still quiet (a server that closed it or spoke while it was
  // idle is dropped).
  // It must be worth at least `needed` (a TLS client leg, or a stricter
  // server_tls.sslmode since a SIGHUP, takes no weaker one).
  std::optional<IdleServer> take(const std::string& startup_packet, TlsLevel needed = TlsLevel::Plain);
  // Parks a cleaned connection whose cleaning began at `generation`; the
  // oldest goes when the pool is full.
  void put(IdleServer server, uint64_t generation);
  // Closes every idle connection; `for_good` (shutdown): parks no more.
  void close_idle(bool for_good = false);
  // Readable from any thread (metrics).
  size_t idle() const { return idle_count_.load(std::memory_order_relaxed); }

 private:
  // Closes what is past its idle timeout or its lifetime.
  void sweep();
  void arm_sweep();
  bool expired(const IdleServer& s, std::chrono::steady_clock::time_point now) const {
    return s.since + options_.idle_timeout <= now || s.opened + options_.lifetime <= now;
  }
  static void terminate(IdleServer& server);
  void count() { idle_count_.store(idle_.size(), std::memory_order_relaxed); }

  UpstreamPoolOptions options_;
  boost::asio::steady_timer sweep_timer_;
  std::deque<IdleServer> idle_;  // oldest first
  bool sweep_armed_ = false;
  uint64_t sweep_token_ = 0;  // tells a cancelled timer's handler it is stale
  uint64_t generation_ = 0;
  bool closed_ = false;
  std::atomic<size_t> idle_count_{0};
};

}  // namespace pgsleuth::proxy
