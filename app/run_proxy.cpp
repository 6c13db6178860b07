#include "app/run_proxy.hpp"

#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "app/admin_wiring.hpp"
#include "app/advisor_wiring.hpp"
#include "app/analysis_thread.hpp"
#include "app/finding_router.hpp"
#include "app/findings_output.hpp"
#include "app/instance_name.hpp"
#include "app/logging.hpp"
#include "common/one_line.hpp"
#include "config/config_loader.hpp"
#include "config/host_port.hpp"
#include "config/restart_only.hpp"
#include "proxy/proxy_server.hpp"

namespace pgsleuth::app {

namespace {

proxy::ProxyOptions proxy_options(const config::Config& cfg) {
  auto listen = config::parse_host_port(cfg.proxy.listen, true);
  auto upstream = config::parse_host_port(cfg.proxy.upstream);
  proxy::ProxyOptions o;
  o.listen_host = listen.host;
  o.listen_port = listen.port;
  o.upstream_host = upstream.host;
  o.upstream_port = upstream.port;
  o.threads = cfg.proxy.threads;
  o.buffer_bytes = cfg.proxy.buffer_bytes;
  o.login_timeout_ms = cfg.proxy.login_timeout_ms;
  o.connect_timeout_ms = cfg.proxy.connect_timeout_ms;
  o.max_connections = cfg.proxy.max_connections;
  o.event_queue_capacity = cfg.proxy.event_queue_capacity;
  o.observe = cfg.proxy.analysis;
  o.reuse_servers = cfg.proxy.server_reuse;
  o.max_idle_servers = cfg.proxy.max_idle_servers;
  o.server_idle_timeout_ms = cfg.proxy.server_idle_timeout_ms;
  o.server_lifetime_ms = cfg.proxy.server_lifetime_ms;
  return o;
}

// Throws proxy::TlsConfigError naming the key.
std::shared_ptr<const proxy::TlsSetup> tls_setup(const config::Config& cfg) {
  const auto& c = cfg.client_tls;
  const auto& s = cfg.server_tls;
  return proxy::TlsSetup::make({c.sslmode, c.cert_file, c.key_file, c.ca_file},
                               {s.sslmode, s.cert_file, s.key_file, s.ca_file},
                               config::parse_host_port(cfg.proxy.upstream).host);
}

}  // namespace

std::string tls_config_error(const config::Config& config) {
  try {
    tls_setup(config);
    return "";
  } catch (const proxy::TlsConfigError& e) {
    return common::one_line(e.what());
  }
}

int run_proxy(const config::CommandLine& command_line) {
  const config::Config& cfg = command_line.config;
  setup_logging(cfg.log);

  FindingsOutput output;
  try {
    output = open_findings_output(cfg);
  } catch (const OutputConfigError& e) {
    std::cerr << "pgsleuth: " << common::one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  AdminState admin_state(cfg.admin);
  admin_state.stores.assign(output.stores.begin(), output.stores.end());
  // Request summaries always go to /requests; to the stream only with
  // output.request_summaries.
  routes::RouteTable routes(cfg.output.max_routes);
  FindingRouter router(*output.sink, cfg.output.request_summaries, admin_state, routes);

  proxy::ProxyOptions options = proxy_options(cfg);
  try {
    options.tls = tls_setup(cfg);
  } catch (const proxy::TlsConfigError& e) {
    std::cerr << "pgsleuth: " << common::one_line(e.what()) << "\n";
    return 2;
  }
  proxy::ProxyServer server(std::move(options));
  try {
    server.start();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  router.set_instance(instance_name(cfg.instance, config::parse_host_port(server.listen_address(), true).port));
  std::vector<events::SpscRing<events::Event>*> queues;
  for (size_t i = 0; i < server.thread_count(); ++i) {
    if (auto* q = server.event_queue(i)) queues.push_back(q);  // none with --no-analysis
  }
  // Declared before analysis, which submits to it, so it outlives it.
  std::unique_ptr<advisor::Advisor> advisor = make_advisor(cfg);
  if (advisor) advisor->start();
  AnalysisThread analysis(queues,
                          {cfg.analysis, cfg.fingerprint.cache_bytes, command_line.events_path, advisor.get(),
                           cfg.advisor.min_total_ms},
                          router);
  analysis.start();

  std::unique_ptr<AdminEndpoint> admin;
  if (!cfg.admin.listen.empty()) {
    try {
      admin = std::make_unique<AdminEndpoint>(cfg.admin.listen, admin_state, server, analysis, router, routes);
      spdlog::info("admin endpoint on {}", admin->address());
    } catch (const std::exception& e) {
      spdlog::critical("admin endpoint: {}", e.what());
      server.stop(std::chrono::milliseconds(0));
      analysis.stop();
      if (advisor) advisor->stop();
      return 1;
    }
  }
  spdlog::info("listening on {}, forwarding to {}", server.listen_address(), cfg.proxy.upstream);

  boost::asio::io_context signal_io;
  boost::asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig != SIGHUP) {
          spdlog::info("received {}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
          return;  // run() returns: nothing else is waiting
        }
        try {
          config::Config next = config::reload_config(command_line);
          auto tls = tls_setup(next);  // checked before anything changes
          server.set_tls(std::move(tls));
          analysis.reload(next.analysis);
          router.set_write_summaries(next.output.request_summaries);
          ++admin_state.reloads;
          spdlog::info("SIGHUP: reloaded thresholds from {} (TLS files: for connections from now on)",
                       next.config_path.empty() ? "defaults" : next.config_path);
          const auto ignored = config::restart_only_changes(cfg, next);
          if (!ignored.empty()) {
            spdlog::warn("SIGHUP: changed keys that take effect only at restart, still running with the old "
                         "values: {}",
                         fmt::join(ignored, ", "));
          }
        } catch (const std::exception& e) {
          spdlog::error("SIGHUP: keeping the old settings: {}", e.what());
          ++admin_state.reload_failures;
        }
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  signal_io.run();

  server.stop(std::chrono::milliseconds(cfg.proxy.shutdown_grace_ms));
  // Sessions are gone: what analysis still has queued gets the same time
  // (a second at least), so a backlog cannot hold the exit for long.
  analysis.stop(std::chrono::milliseconds(std::max<uint32_t>(cfg.proxy.shutdown_grace_ms, 1000)));
  if (advisor) advisor->stop();
  // The stores' writers then get the same time for what still waits.
  for (sinks::StoreWriter* store : output.stores) {
    store->stop(std::chrono::milliseconds(std::max<uint32_t>(cfg.proxy.shutdown_grace_ms, 1000)));
  }
  admin.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace pgsleuth::app
