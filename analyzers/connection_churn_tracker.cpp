#include "analyzers/connection_churn_tracker.hpp"

#include <algorithm>
#include <vector>

#include "analyzers/request_window.hpp"

namespace pgsleuth::analyzers {

void ConnectionChurnTracker::opened(const events::ConnectionInfoPtr& conn,
                                    events::SteadyTime now) {
  if (!conn || opened_at_.size() >= kMaxOpenConnections) return;
  opened_at_[conn->connection_id] = now;
}

std::optional<ChurnBurst> ConnectionChurnTracker::closed(
    const events::ConnectionInfoPtr& conn, events::SteadyTime now,
    const config::ConnectionChurnSettings& settings) {
  if (!conn) return std::nullopt;
  auto opened = conn->opened_at;
  if (const auto found = opened_at_.find(conn->connection_id); found != opened_at_.end()) {
    opened = found->second;
    opened_at_.erase(found);
  }
  const double lifetime = elapsed_ms(opened, now);
  if (opened == events::SteadyTime{} || lifetime > settings.max_lifetime_ms) return std::nullopt;

  const auto within = std::chrono::seconds(settings.within_s);
  auto found = by_address_.find(conn->client_addr);
  if (found == by_address_.end()) {
    if (by_address_.size() >= kMaxAddresses) forget_quiet_addresses(now, within);
    if (by_address_.size() >= kMaxAddresses) return std::nullopt;
    found = by_address_.emplace(conn->client_addr, std::deque<ShortLived>{}).first;
  }
  auto& recent = found->second;
  recent.push_back({now, lifetime});
  while (!recent.empty() && now - recent.front().closed_at > within) recent.pop_front();
  if (recent.size() < std::max<uint32_t>(settings.min_connections, 1)) return std::nullopt;

  std::vector<double> lifetimes;
  for (const auto& s : recent) lifetimes.push_back(s.lifetime_ms);
  std::sort(lifetimes.begin(), lifetimes.end());
  ChurnBurst burst{conn, recent.size(), lifetimes[lifetimes.size() / 2]};
  recent.clear();
  return burst;
}

void ConnectionChurnTracker::forget_quiet_addresses(events::SteadyTime now,
                                                    std::chrono::seconds within) {
  std::erase_if(by_address_, [&](const auto& kv) {
    return kv.second.empty() || now - kv.second.back().closed_at > within;
  });
}

}  // namespace pgsleuth::analyzers
