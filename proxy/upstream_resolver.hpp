#pragma once
// The upstream's addresses for one I/O thread's new server connections.
// A host name is looked up again once the last answer is older than the
// TTL (a managed database's failover moves its DNS name), on Asio's
// resolver thread, so the I/O thread never waits; connections asking
// meanwhile wait for that one answer. A failed lookup keeps the last good
// answer (at first: the one from start-up). An IP literal is never looked up.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "proxy/upstream.hpp"

namespace pgsleuth::proxy {

class UpstreamResolver {
 public:
  using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;
  using Done = std::function<void(const Endpoints&)>;

  UpstreamResolver(boost::asio::io_context& io, std::chrono::milliseconds ttl) : resolver_(io), ttl_(ttl) {}

  // Calls `done` with the addresses to try, at once when the last answer
  // is fresh, else when the lookup ends.
  void endpoints(const Upstream& upstream, Done done);

 private:
  boost::asio::ip::tcp::resolver resolver_;
  std::chrono::milliseconds ttl_;
  Endpoints endpoints_;
  std::chrono::steady_clock::time_point resolved_{};
  std::vector<Done> waiting_;
};

}  // namespace pgsleuth::proxy
