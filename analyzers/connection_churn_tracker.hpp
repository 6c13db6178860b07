#pragma once
// connection_churn: per client address, connections closed within
// max_lifetime_ms of opening, counted over a sliding within_s window.

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.hpp"
#include "events/statement_event.hpp"

namespace pgsleuth::analyzers {

struct ChurnBurst {
  events::ConnectionInfoPtr last;  // the connection that completed the burst
  uint64_t connections = 0;
  double median_lifetime_ms = 0;
};

class ConnectionChurnTracker {
 public:
  static constexpr size_t kMaxAddresses = 10000;
  static constexpr size_t kMaxOpenConnections = 100000;

  void opened(const events::ConnectionInfoPtr& conn, events::SteadyTime now);
  // A burst when this close brings the address to min_connections short-lived
  // connections within within_s; its count then starts over, so one
  // application reconnecting per request reports once per burst, not per close.
  std::optional<ChurnBurst> closed(const events::ConnectionInfoPtr& conn, events::SteadyTime now,
                                   const config::ConnectionChurnSettings& settings);

 private:
  struct ShortLived {
    events::SteadyTime closed_at;
    double lifetime_ms;
  };
  void forget_quiet_addresses(events::SteadyTime now, std::chrono::seconds within);

  std::unordered_map<uint64_t, events::SteadyTime> opened_at_;
  std::unordered_map<std::string, std::deque<ShortLived>> by_address_;
};

}  // namespace pgsleuth::analyzers
