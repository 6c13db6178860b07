#pragma once
// What the proxy counts: each I/O thread counts into its own
// SingleWriterCounters<ProxyMetric>, ProxyServer sums them, /metrics walks
// kProxyMetrics.

#include "common/metric.hpp"

namespace pgsleuth::proxy {

enum class ProxyMetric {
  ConnectionsActive,
  ConnectionsTotal,
  ConnectionsRefused,
  BytesFromClients,
  BytesFromServers,
  EventsQueued,
  EventsDropped,
  ProtocolErrors,
  UpstreamConnectFailures,
  ServersReused,
  ServerResetsFailed,
  ServersIdle,  // not counted: read from the pools when summed
  Count
};

using ProxyCounters = MetricValues<ProxyMetric>;

inline constexpr MetricInfo kForwardedBytes{"pgsleuth_forwarded_bytes_total", MetricType::Counter,
                                            "Bytes forwarded, by direction.", "direction"};

inline constexpr MetricTable<ProxyMetric> kProxyMetrics{{
    {ProxyMetric::ConnectionsActive, {"pgsleuth_connections_active", MetricType::Gauge, "Client connections open now."}},
    {ProxyMetric::ConnectionsTotal, {"pgsleuth_connections_total", MetricType::Counter, "Client connections accepted."}},
    {ProxyMetric::ConnectionsRefused,
     {"pgsleuth_connections_refused_total", MetricType::Counter, "Client connections refused over proxy.max_connections."}},
    {ProxyMetric::BytesFromClients, labelled(kForwardedBytes, "client_to_server")},
    {ProxyMetric::BytesFromServers, labelled(kForwardedBytes, "server_to_client")},
    {ProxyMetric::EventsQueued,
     {"pgsleuth_events_queued_total", MetricType::Counter, "Statement events handed to the analysis thread."}},
    {ProxyMetric::EventsDropped,
     {"pgsleuth_events_dropped_total", MetricType::Counter,
      "Statement events dropped because the analysis queue was full."}},
    {ProxyMetric::ProtocolErrors,
     {"pgsleuth_protocol_errors_total", MetricType::Counter,
      "Connections whose traffic stopped being analysed because a message made no sense; their bytes kept flowing."}},
    {ProxyMetric::UpstreamConnectFailures,
     {"pgsleuth_upstream_connect_failures_total", MetricType::Counter,
      "Client connections refused with SQLSTATE 08006 because the upstream could not be reached."}},
    {ProxyMetric::ServersReused,
     {"pgsleuth_server_connections_reused_total", MetricType::Counter,
      "Client connections given an idle, cleaned server connection instead of a new one."}},
    {ProxyMetric::ServerResetsFailed,
     {"pgsleuth_server_connection_resets_failed_total", MetricType::Counter,
      "Server connections closed because DISCARD ALL did not leave them clean."}},
    {ProxyMetric::ServersIdle,
     {"pgsleuth_server_connections_idle", MetricType::Gauge, "Cleaned server connections waiting for a client."}},
}};
static_assert(in_enum_order(kProxyMetrics));

}  // namespace pgsleuth::proxy
