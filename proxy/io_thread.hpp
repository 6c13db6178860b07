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
#include "proxy/proxy_metrics.hpp"
#include "proxy/tls.hpp"
#include "proxy/upstream_pool.hpp"
#include "proxy/upstream_resolver.hpp"

namespace pgsleuth::proxy {

class Session;

// What a session may ask of all the I/O threads together (ProxyServer).
class ThreadGroup {
 public:
  // A statement that needs other sessions off a database (DROP DATABASE
  // and the like) went by: the idle server connections of every thread go.
  virtual void close_idle_servers_everywhere() = 0;

 protected:
  ~ThreadGroup() = default;
};

struct IoThread {
  IoThread(ThreadGroup& owner, size_t queue_capacity, bool observe, UpstreamPoolOptions pool_options,
           CancelKeys& keys)
      : group(owner),
        events(observe ? std::make_unique<events::SpscRing<events::Event>>(queue_capacity) : nullptr),
        cancel_keys(keys),
        pool(io, pool_options),
        loop(io) {}

  // Hands an event to analysis, or counts it dropped: never waits.
  void publish(events::Event&& ev) {
    if (!events) return;
    counters.add(events->try_push(std::move(ev)) ? ProxyMetric::EventsQueued : ProxyMetric::EventsDropped);
  }

  ThreadGroup& group;
  std::unique_ptr<events::SpscRing<events::Event>> events;  // null: no analysis
  CancelKeys& cancel_keys;  // every thread's (ProxyServer's)
  SingleWriterCounters<ProxyMetric> counters;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // this thread's only
  std::thread thread;
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
