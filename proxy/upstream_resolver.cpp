#include "proxy/upstream_resolver.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace pgsleuth::proxy {

namespace asio = boost::asio;
using asio::ip::tcp;

void UpstreamResolver::endpoints(const Upstream& upstream, Done done) {
  boost::system::error_code ec;
  asio::ip::make_address(upstream.host, ec);
  if (!ec) return done(upstream.endpoints);
  if (endpoints_.empty()) endpoints_ = upstream.endpoints;
  auto now = std::chrono::steady_clock::now();
  if (resolved_ != std::chrono::steady_clock::time_point{} && now - resolved_ < ttl_) return done(endpoints_);
  waiting_.push_back(std::move(done));
  if (waiting_.size() > 1) return;  // a lookup is under way
  resolver_.async_resolve(upstream.host, std::to_string(upstream.port),
                          [this, name = upstream.name()](const boost::system::error_code& rec,
                                                         const tcp::resolver::results_type& results) {
                            if (rec == asio::error::operation_aborted) return;  // shutting down
                            resolved_ = std::chrono::steady_clock::now();
                            if (rec || results.empty()) {
                              spdlog::warn("upstream {}: lookup failed ({}); using its last addresses", name,
                                           rec ? rec.message() : "no addresses");
                            } else {
                              endpoints_.clear();
                              for (const auto& r : results) endpoints_.push_back(r.endpoint());
                            }
                            for (auto& d : std::exchange(waiting_, {})) d(endpoints_);
                          });
}

}  // namespace pgsleuth::proxy
