#include "proxy/proxy_server.hpp"

#include <future>
#include <stdexcept>

#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/thread_role.hpp"
#include "proxy/wire/error_response.hpp"

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

ProxyServer::ProxyServer(ProxyOptions options) : options_(std::move(options)) {
  // Default: half the cores. Each I/O thread that sleeps in epoll_wait and
  // is woken costs a context switch per wakeup; on a 2-core machine shared
  // with the database, two threads measured 48 us of CPU per pgbench -S
  // transaction against 36 us for one (see README, Measured numbers).
  uint32_t n = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency() / 2);
  UpstreamPoolOptions pool;
  // Reuse needs the observer: only a connection whose protocol state is
  // known can be handed on.
  pool.enabled = options_.reuse_servers && options_.observe;
  pool.idle_timeout = std::chrono::milliseconds(options_.server_idle_timeout_ms);
  pool.lifetime = std::chrono::milliseconds(options_.server_lifetime_ms);
  for (uint32_t i = 0; i < n; ++i) {
    // The threads' shares add up to max_idle_servers exactly.
    pool.max_idle = options_.max_idle_servers / n + (i < options_.max_idle_servers % n ? 1 : 0);
    ThreadGroup& group = *this;
    threads_.push_back(
        std::make_unique<IoThread>(group, options_.event_queue_capacity, options_.observe, pool, cancel_keys_));
  }
  if (!options_.tls) options_.tls = TlsSetup::make({"disable", {}, {}, {}}, {"disable", {}, {}, {}}, options_.upstream_host);
  for (auto& t : threads_) t->tls = options_.tls;
  session_options_.buffer_bytes = options_.buffer_bytes;
  session_options_.login_timeout = std::chrono::milliseconds(options_.login_timeout_ms);
  upstream_.host = options_.upstream_host;
  upstream_.port = options_.upstream_port;
  upstream_.connect_timeout = std::chrono::milliseconds(options_.connect_timeout_ms);
}

void ProxyServer::close_idle_servers_everywhere() {
  for (auto& each : threads_) {
    each->post([raw = each.get()] { raw->pool.close_idle(); });
  }
}

ProxyServer::~ProxyServer() {
  if (running_) stop(std::chrono::milliseconds(0));
}

void ProxyServer::start() {
  asio::io_context& io0 = threads_[0]->io;
  error_code ec;
  tcp::resolver resolver(io0);
  auto resolved = resolver.resolve(upstream_.host, std::to_string(upstream_.port), ec);
  if (ec) throw std::runtime_error(fmt::format("cannot resolve upstream {}: {}", upstream_.name(), ec.message()));
  for (const auto& r : resolved) upstream_.endpoints.push_back(r.endpoint());

  auto listen = resolver.resolve(options_.listen_host, std::to_string(options_.listen_port),
                                 tcp::resolver::passive, ec);
  if (ec || listen.empty()) {
    throw std::runtime_error(fmt::format("cannot resolve listen address {}: {}", options_.listen_host,
                                         ec.message()));
  }
  tcp::endpoint ep = listen.begin()->endpoint();
  acceptor_ = std::make_unique<tcp::acceptor>(io0);
  acceptor_->open(ep.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", options_.listen_host,
                                         options_.listen_port, ec.message()));
  }
  accept_next();
  running_ = true;
  for (size_t i = 0; i < threads_.size(); ++i) {
    IoThread* raw = threads_[i].get();
    raw->thread = std::thread([raw, name = fmt::format("pgs-io-{}", i)] {
      common::name_this_thread(name.c_str());
      raw->loop.run();
    });
  }
}

std::string ProxyServer::listen_address() const {
  error_code ec;
  auto ep = acceptor_->local_endpoint(ec);
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

void ProxyServer::accept_next() {
  IoThread& target = *threads_[next_thread_];
  next_thread_ = (next_thread_ + 1) % threads_.size();
  acceptor_->async_accept(target.io, [this, &target](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
    if (!ec) {
      // The socket belongs to the target thread's io_context: start it there.
      target.post([this, &target, s = std::make_shared<tcp::socket>(std::move(socket))] {
        on_accepted(target, std::move(*s));
      });
    } else {
      spdlog::warn("accept failed: {}", ec.message());
    }
    accept_next();
  });
}

void ProxyServer::on_accepted(IoThread& thread, tcp::socket socket) {
  if (counters()[ProxyMetric::ConnectionsActive] >= options_.max_connections) {
    thread.counters.add(ProxyMetric::ConnectionsRefused);
    std::string err = wire::make_error_response("FATAL", "53300",
                                                "pgsleuth: too many connections to the proxy");
    error_code ec;
    asio::write(socket, asio::buffer(err), ec);
    return;
  }
  auto session = std::make_shared<Session>(thread, std::move(socket), upstream_, session_options_,
                                           next_id_.fetch_add(1, std::memory_order_relaxed));
  session->start();
}

void ProxyServer::stop(std::chrono::milliseconds grace) {
  if (!running_) return;
  running_ = false;
  // Each step runs on the thread that owns the state it touches.
  auto on_each = [this](auto fn) {
    std::vector<std::future<void>> done;
    for (auto& t : threads_) {
      auto p = std::make_shared<std::promise<void>>();
      done.push_back(p->get_future());
      t->post([fn, raw = t.get(), p] {
        fn(*raw);
        p->set_value();
      });
    }
    for (auto& f : done) f.wait();
  };
  threads_[0]->post([this] {
    error_code ec;
    acceptor_->close(ec);
  });
  auto drain = [](bool force) {
    return [force](IoThread& t) {
      t.pool.close_idle(true);
      auto copy = t.sessions;
      for (auto& [id, weak] : copy) {
        if (auto s = weak.lock()) s->drain(force);
      }
    };
  };
  on_each(drain(false));
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (counters()[ProxyMetric::ConnectionsActive] > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  on_each(drain(true));
  for (auto& t : threads_) t->loop.stop();
  for (auto& t : threads_) {
    if (t->thread.joinable()) t->thread.join();
  }
}

void ProxyServer::set_tls(std::shared_ptr<const TlsSetup> tls) {
  for (auto& t : threads_) {
    t->post([raw = t.get(), tls] { raw->tls = tls; });
  }
}

ProxyCounters ProxyServer::counters() const {
  ProxyCounters c;
  for (const auto& t : threads_) {
    t->counters.add_to(c);
    c[ProxyMetric::ServersIdle] += t->pool.idle();
  }
  return c;
}

}  // namespace pgsleuth::proxy
