#pragma once
// Connects the admin endpoint to the running parts: recent findings and
// request summaries, and the metrics of the proxy and of analysis.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "admin/recent_ring.hpp"
#include "app/analysis_thread.hpp"
#include "app/finding_router.hpp"
#include "config/config.hpp"
#include "proxy/proxy_server.hpp"
#include "sinks/store_writer.hpp"

namespace pgsleuth::admin {
class AdminServer;
}

namespace pgsleuth::app {

// What /findings and /requests show, kept as the stream's JSON whether or
// not the endpoint runs.
class AdminState : public findings::FindingSink {
 public:
  explicit AdminState(const config::AdminSettings& settings);

  void emit(const findings::Finding& finding) override;
  void emit(const findings::RequestSummary& summary) override;
  boost::json::array recent_findings() const;
  // Most statements first.
  boost::json::array recent_requests() const;

  // SIGHUP outcomes, for /metrics.
  std::atomic<uint64_t> reloads{0};
  std::atomic<uint64_t> reload_failures{0};
  // The fleet stores the stream writes to (set before the endpoint starts).
  std::vector<const sinks::StoreWriter*> stores;

 private:
  admin::RecentRing findings_;
  admin::RecentRing requests_;
};

class AdminEndpoint {
 public:
  // Binds and starts serving; throws std::runtime_error when it cannot.
  AdminEndpoint(const std::string& listen, AdminState& state, proxy::ProxyServer& proxy,
                AnalysisThread& analysis, FindingRouter& router, routes::RouteTable& routes);
  ~AdminEndpoint();
  std::string address() const;

 private:
  std::unique_ptr<admin::AdminServer> server_;
  std::string address_;
};

}  // namespace pgsleuth::app
