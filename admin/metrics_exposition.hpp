#pragma once
// pgsleuth's /metrics: the numbers the rest of the program collects, as one
// plain struct, rendered in Prometheus text format. The main program fills
// the snapshot from its stages' counters when /metrics is asked for.

#include <cstdint>
#include <map>
#include <string>

#include "admin/prometheus_text.hpp"

namespace pgsleuth::admin {

struct MetricsSnapshot {
  uint64_t connections_active = 0;
  uint64_t connections_total = 0;
  uint64_t bytes_client_to_server = 0;
  uint64_t bytes_server_to_client = 0;
  std::map<std::string, uint64_t> statements_by_kind;  // e.g. select, insert, update, delete, other
  std::map<std::string, uint64_t> findings_by_kind;    // contract kinds; every kind is exported, 0 if absent
  uint64_t findings_rate_limited = 0;                  // dropped by output.max_repeats_per_minute
  HistogramSnapshot statement_duration_seconds;        // e.g. LatencyHistogram::snapshot()
  uint64_t fingerprint_cache_hits = 0;
  uint64_t fingerprint_cache_misses = 0;
  uint64_t windows_open = 0;
  uint64_t events_dropped = 0;
  uint64_t protocol_errors = 0;            // connections no longer analysed (bytes still flow)
  uint64_t upstream_connect_failures = 0;
  uint64_t connections_refused = 0;        // over proxy.max_connections
  uint64_t servers_reused = 0;             // clients given an idle server connection
  uint64_t server_resets_failed = 0;
  uint64_t servers_idle = 0;
  uint64_t config_reloads = 0;
  uint64_t config_reload_failures = 0;
};

std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace pgsleuth::admin
