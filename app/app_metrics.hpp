#pragma once
// What analysis and the main program count, declared once; /metrics walks
// these after the proxy's own table (proxy/proxy_metrics.hpp).

#include "common/metric.hpp"

namespace pgsleuth::app {

enum class AppMetric {
  FindingsRateLimited,
  FingerprintCacheHits,
  FingerprintCacheMisses,
  WindowsOpen,
  ConfigReloads,
  ConfigReloadFailures,
  StoreWritten,
  StoreDropped,
  StoreWaiting,
  Count
};

inline constexpr MetricTable<AppMetric> kAppMetrics{{
    {AppMetric::FindingsRateLimited,
     {"pgsleuth_findings_rate_limited_total", MetricType::Counter,
      "Findings not written because of output.max_repeats_per_minute."}},
    {AppMetric::FingerprintCacheHits,
     {"pgsleuth_fingerprint_cache_hits_total", MetricType::Counter, "Fingerprint cache hits."}},
    {AppMetric::FingerprintCacheMisses,
     {"pgsleuth_fingerprint_cache_misses_total", MetricType::Counter, "Fingerprint cache misses (statements parsed)."}},
    {AppMetric::WindowsOpen, {"pgsleuth_windows_open", MetricType::Gauge, "Request windows open now."}},
    {AppMetric::ConfigReloads,
     {"pgsleuth_config_reloads_total", MetricType::Counter, "Config reloads applied (SIGHUP)."}},
    {AppMetric::ConfigReloadFailures,
     {"pgsleuth_config_reload_failures_total", MetricType::Counter, "Config reloads refused because the file was bad."}},
    {AppMetric::StoreWritten,
     {"pgsleuth_store_written_total", MetricType::Counter, "Lines the fleet store (a postgresql:// findings URL) confirmed."}},
    {AppMetric::StoreDropped,
     {"pgsleuth_store_dropped_total", MetricType::Counter,
      "Lines for the fleet store dropped, the oldest first, because output.store_buffer_findings were waiting."}},
    {AppMetric::StoreWaiting,
     {"pgsleuth_store_waiting", MetricType::Gauge, "Lines waiting for the fleet store (buffer and the batch being written)."}},
}};
static_assert(in_enum_order(kAppMetrics));

// Families with a label per value seen, and histograms.
inline constexpr MetricInfo kStatementsByKind{"pgsleuth_statements_total", MetricType::Counter,
                                              "Statements analysed, by kind of statement.", "kind"};
inline constexpr MetricInfo kFindingsByKind{"pgsleuth_findings_total", MetricType::Counter,
                                            "Findings written, by kind.", "kind"};
inline constexpr MetricInfo kRequestStatements{
    "pgsleuth_request_statements", MetricType::Histogram,
    "Statements per request window, by route (\"\" for requests without one; output.max_routes, the rest \"(other)\").",
    "route"};
inline constexpr MetricInfo kStatementDuration{
    "pgsleuth_statement_duration_seconds", MetricType::Histogram,
    "Time from a statement's request to its completion, seen at the proxy."};

}  // namespace pgsleuth::app
