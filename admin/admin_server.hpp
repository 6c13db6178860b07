#pragma once
// The admin endpoint: HTTP/1.1 GET /metrics, /findings, /requests, /healthz
// on its own thread (Boost.Beast), off the forwarding path. Bounded: at most
// `max_connections` at once (more are closed on accept), requests of at most
// `max_request_bytes`, and an idle or slow connection is closed after
// `timeout`.

#include <boost/json/array.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace pgsleuth::admin {

struct Handlers {
  std::function<std::string()> metrics;           // the full exposition text
  std::function<boost::json::array()> findings;   // newest first
  std::function<boost::json::array()> requests;   // worst by query count first
  std::function<boost::json::array()> routes;     // since start, most statements per request first
};

struct AdminLimits {
  size_t max_connections = 16;
  size_t max_request_bytes = 8 * 1024;
  std::chrono::milliseconds timeout{5000};
};

// Cannot parse the address or bind; what() is one line naming it.
struct AdminError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class AdminServer {
 public:
  // host_port as config::parse_host_port takes it; port 0 binds any free port.
  AdminServer(std::string host_port, Handlers handlers, AdminLimits limits = {});
  ~AdminServer();  // stops
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and starts the thread. Throws AdminError.
  void start();
  // Stops accepting, closes connections, joins the thread. Idempotent.
  void stop();
  // The bound port (after start()).
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgsleuth::admin
