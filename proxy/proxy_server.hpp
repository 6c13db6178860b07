#pragma once
// Accepts client connections and spreads them over the I/O threads, each
// with its own io_context. Stops in two steps: stop accepting and drain,
// then close what is left when the grace period ends.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "proxy/io_thread.hpp"
#include "proxy/session.hpp"
#include "proxy/upstream.hpp"

namespace pgsleuth::proxy {

struct ProxyOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 6432;       // 0: any free port
  std::string upstream_host = "127.0.0.1";
  uint16_t upstream_port = 5432;
  uint32_t threads = 0;              // 0: half the cores, at least one
  uint32_t buffer_bytes = 64 * 1024;
  uint32_t login_timeout_ms = 60'000;     // a client's startup packet must arrive within this
  uint32_t connect_timeout_ms = 5000;
  uint32_t max_connections = 10000;
  uint32_t event_queue_capacity = 65536;
  bool observe = true;               // false: forward only, no events
  bool reuse_servers = true;         // pool cleaned server connections (needs observe)
  uint32_t max_idle_servers = 20;    // over all threads
  uint32_t server_idle_timeout_ms = 30'000;
  uint32_t server_lifetime_ms = 3'600'000;  // after its login; 0: never reused
  std::shared_ptr<const TlsSetup> tls;      // null: no TLS on either leg
};

class ProxyServer final : private ThreadGroup {
 public:
  explicit ProxyServer(ProxyOptions options);
  ~ProxyServer();

  // Resolves the upstream, binds and starts the I/O threads. Throws
  // std::runtime_error with a readable reason when it cannot.
  void start();
  // "HOST:PORT" actually bound.
  std::string listen_address() const;
  // Stops accepting, lets busy connections finish for `grace`, closes the
  // rest and joins the threads.
  void stop(std::chrono::milliseconds grace);

  // The analysis thread's view: one event queue per I/O thread.
  size_t thread_count() const { return threads_.size(); }
  events::SpscRing<events::Event>* event_queue(size_t i) { return threads_[i]->events.get(); }
  ProxyCounters counters() const;
  // Connections that start after this use `tls` (SIGHUP); from any thread.
  void set_tls(std::shared_ptr<const TlsSetup> tls);

 private:
  void close_idle_servers_everywhere() override;
  void accept_next();
  void on_accepted(IoThread& thread, boost::asio::ip::tcp::socket socket);

  ProxyOptions options_;
  Upstream upstream_;
  SessionOptions session_options_;
  CancelKeys cancel_keys_;  // before the threads that use it
  std::vector<std::unique_ptr<IoThread>> threads_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  size_t next_thread_ = 0;
  std::atomic<uint64_t> next_id_{1};
  bool running_ = false;
};

}  // namespace pgsleuth::proxy
