#pragma once
// Where the proxy connects, and the one-shot forwarding of a CancelRequest
// to it on a new connection.

#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace pgsleuth::proxy {

struct Upstream {
  std::string host;
  uint16_t port = 0;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // resolved at start (UpstreamResolver looks again)
  std::chrono::milliseconds connect_timeout{5000};

  std::string name() const { return host + ":" + std::to_string(port); }
};

// Opens a connection to the upstream at `endpoints`, writes `packet` (a
// CancelRequest), and closes; the server answers a cancel by closing.
// Fire and forget.
void send_cancel_request(boost::asio::io_context& io, const Upstream& upstream,
                         const std::vector<boost::asio::ip::tcp::endpoint>& endpoints, std::string packet);

}  // namespace pgsleuth::proxy
