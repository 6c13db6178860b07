#include "admin/metrics_exposition.hpp"

#include "admin/latency_histogram.hpp"
#include "findings/finding_kind.hpp"

namespace pgsleuth::admin {
namespace {

void by_label(PrometheusText& out, const char* name, const char* help, const char* label,
              const std::map<std::string, uint64_t>& values) {
  out.family(name, MetricType::Counter, help);
  for (const auto& [key, value] : values) out.sample(static_cast<double>(value), {{label, key}});
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  PrometheusText out;
  out.gauge("pgsleuth_connections_active", "Client connections open now.", static_cast<double>(s.connections_active));
  out.counter("pgsleuth_connections_total", "Client connections accepted.", static_cast<double>(s.connections_total));

  out.family("pgsleuth_forwarded_bytes_total", MetricType::Counter, "Bytes forwarded, by direction.");
  out.sample(static_cast<double>(s.bytes_client_to_server), {{"direction", "client_to_server"}});
  out.sample(static_cast<double>(s.bytes_server_to_client), {{"direction", "server_to_client"}});

  by_label(out, "pgsleuth_statements_total", "Statements analysed, by kind of statement.", "kind",
           s.statements_by_kind);

  // Every kind has a series (at 0) before its first finding, so an alert
  // rule on one of them has something to evaluate.
  std::map<std::string, uint64_t> by_kind = s.findings_by_kind;
  for (const auto& kind : findings::kKinds) by_kind.try_emplace(std::string(kind.name), 0);
  by_label(out, "pgsleuth_findings_total", "Findings written, by kind.", "kind", by_kind);
  out.counter("pgsleuth_findings_rate_limited_total", "Findings not written because of output.max_repeats_per_minute.",
              static_cast<double>(s.findings_rate_limited));

  out.family("pgsleuth_statement_duration_seconds", MetricType::Histogram,
             "Time from a statement's request to its completion, seen at the proxy.");
  HistogramSnapshot latency = s.statement_duration_seconds;
  if (latency.bucket_counts.empty()) latency = LatencyHistogram{}.snapshot();
  out.histogram(latency);

  out.counter("pgsleuth_fingerprint_cache_hits_total", "Fingerprint cache hits.",
              static_cast<double>(s.fingerprint_cache_hits));
  out.counter("pgsleuth_fingerprint_cache_misses_total", "Fingerprint cache misses (statements parsed).",
              static_cast<double>(s.fingerprint_cache_misses));
  out.gauge("pgsleuth_windows_open", "Request windows open now.", static_cast<double>(s.windows_open));
  out.counter("pgsleuth_events_dropped_total", "Statement events dropped because the analysis queue was full.",
              static_cast<double>(s.events_dropped));
  out.counter("pgsleuth_protocol_errors_total",
              "Connections whose traffic stopped being analysed because a message made no sense; "
              "their bytes kept flowing.",
              static_cast<double>(s.protocol_errors));
  out.counter("pgsleuth_upstream_connect_failures_total",
              "Client connections refused with SQLSTATE 08006 because the upstream could not be reached.",
              static_cast<double>(s.upstream_connect_failures));
  out.counter("pgsleuth_connections_refused_total", "Client connections refused over proxy.max_connections.",
              static_cast<double>(s.connections_refused));
  out.counter("pgsleuth_server_connections_reused_total",
              "Client connections given an idle, cleaned server connection instead of a new one.",
              static_cast<double>(s.servers_reused));
  out.counter("pgsleuth_server_connection_resets_failed_total",
              "Server connections closed because DISCARD ALL did not leave them clean.",
              static_cast<double>(s.server_resets_failed));
  out.gauge("pgsleuth_server_connections_idle", "Cleaned server connections waiting for a client.",
            static_cast<double>(s.servers_idle));
  out.counter("pgsleuth_config_reloads_total", "Config reloads applied (SIGHUP).", static_cast<double>(s.config_reloads));
  out.counter("pgsleuth_config_reload_failures_total", "Config reloads refused because the file was bad.",
              static_cast<double>(s.config_reload_failures));
  return out.text();
}

}  // namespace pgsleuth::admin
