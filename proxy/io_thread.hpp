#pragma once
// One I/O thread: its own io_context and EventLoop, the sessions it runs,
// its queue of events to the analysis thread and its counters. Nothing in
// here is shared with another I/O thread, so forwarding takes no lock; the
// one exception, the clients' cancel keys, is locked only at login, logout
// and cancel.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "events/spsc_ring.hpp"
#include "events/statement_event.hpp"
#include "proxy/cancel_keys.hpp"
#include "proxy/event_loop.hpp"
#include "proxy/tls.hpp"
#include "proxy/upstream_pool.hpp"
#include "proxy/upstream_resolver.hpp"

namespace pgsleuth::proxy {

class Session;

// Written only by the owning I/O thread (relaxed), read by anyone.
struct alignas(64) IoThreadCounters {
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_active{0};
  std::atomic<uint64_t> bytes_from_clients{0};
  std::atomic<uint64_t> bytes_from_servers{0};
  std::atomic<uint64_t> events_queued{0};
  std::atomic<uint64_t> events_dropped{0};
  std::atomic<uint64_t> observer_failures{0};
  std::atomic<uint64_t> upstream_connect_failures{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> servers_reused{0};        // a client given an idle server connection
  std::atomic<uint64_t> server_resets_failed{0};  // DISCARD ALL did not leave it clean

  static void add(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  static void sub(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
};

struct IoThread {
  IoThread(size_t queue_capacity, bool observe, UpstreamPoolOptions pool_options, CancelKeys& keys)
      : events(observe ? std::make_unique<events::SpscRing<events::Event>>(queue_capacity) : nullptr),
        cancel_keys(keys),
        pool(io, pool_options),
        loop(io) {}

  // Hands an event to analysis, or counts it dropped: never waits.
  void publish(events::Event&& ev) {
    if (!events) return;
    if (events->try_push(std::move(ev))) {
      IoThreadCounters::add(counters.events_queued);
    } else {
      IoThreadCounters::add(counters.events_dropped);
    }
  }

  std::unique_ptr<events::SpscRing<events::Event>> events;  // null: no analysis
  CancelKeys& cancel_keys;  // every thread's (ProxyServer's)
  IoThreadCounters counters;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // this thread's only
  std::thread thread;
  // Closes the idle server connections of every thread (set by ProxyServer).
  std::function<void()> close_idle_servers_everywhere;
  // Both TLS legs as configured now (ProxyServer replaces it on SIGHUP).
  std::shared_ptr<const TlsSetup> tls;
  // Destroyed before the members above: sessions still held by its
  // pending handlers unregister themselves from them.
  boost::asio::io_context io{1};
  // After io, so its sockets and timer go before the io_context they use.
  UpstreamPool pool;
  UpstreamResolver resolver{io, std::chrono::seconds(5)};
  // Last: sessions it still keeps alive go first.
  EventLoop loop;

  // Runs fn on this thread; from any thread.
  void post(std::function<void()> fn) { loop.post(std::move(fn)); }
};

}  // namespace pgsleuth::proxy
