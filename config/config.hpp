#pragma once
// Every setting of pgsleuth as plain data. Defaults here are the contract's
// defaults (../shared/spec/contract.md); config_loader fills them from TOML
// and the command line.

#include <cstdint>
#include <string>
#include <vector>

namespace pgsleuth::config {

struct ProxySettings {
  std::string listen = "127.0.0.1:6432";
  std::string upstream = "127.0.0.1:5432";
  uint32_t threads = 0;                  // 0 = half the cores, at least one
  uint32_t buffer_bytes = 64 * 1024;     // per direction per connection
  uint32_t connect_timeout_ms = 5000;    // to the upstream
  uint32_t login_timeout_ms = 60000;     // for a client's startup packet (its TLS/SSL exchange included)
  uint32_t shutdown_grace_ms = 5000;     // let connections finish on SIGTERM
  uint32_t max_connections = 10000;
  uint32_t event_queue_capacity = 65536; // per I/O thread; full = drop and count
  bool analysis = true;                  // false: forward only, observe nothing
  bool server_reuse = true;              // hand cleaned server connections to later clients
  uint32_t max_idle_servers = 20;        // cleaned server connections kept, in all
  uint32_t server_idle_timeout_ms = 30000;  // an idle one is closed after this
  uint32_t server_lifetime_ms = 3600000;    // ... and one this old since its login; 0 = never reused
  bool operator==(const ProxySettings&) const = default;
};

struct OutputSettings {
  std::string findings = "-";
  bool request_summaries = false;
  uint32_t max_repeats_per_minute = 10;  // per (kind, fingerprint); 0 = unlimited
  uint32_t max_routes = 1000;            // route_summary, /routes, /metrics; the rest are "(other)"
  uint32_t store_buffer_findings = 100000;  // a postgresql:// findings URL: lines held while the store is down
  std::string findings_copy;             // a second destination (path or URL) written alongside; "" = none
  bool operator==(const OutputSettings&) const = default;
};

// Who this proxy is in findings and in a fleet store.
struct InstanceSettings {
  std::string name;                      // empty = "<host name>:<listen port>"
  bool operator==(const InstanceSettings&) const = default;
};

struct WindowSettings {
  uint32_t idle_gap_ms = 100;
  uint32_t traceparent_idle_ms = 1000;
  uint32_t max_statements = 10000;       // tracked per window; beyond: counted only
  uint32_t max_fingerprints = 1000;      // distinct per window
  uint32_t max_sample_sql_bytes = 4096;
  uint32_t max_open_windows = 100000;
  bool operator==(const WindowSettings&) const = default;
};

struct NPlusOneSettings {
  uint32_t min_repeats = 5;
  bool operator==(const NPlusOneSettings&) const = default;
};
struct DuplicateQuerySettings {
  uint32_t min_repeats = 2;
  bool operator==(const DuplicateQuerySettings&) const = default;
};
struct UnbatchedWriteSettings {
  uint32_t min_repeats = 5;
  bool operator==(const UnbatchedWriteSettings&) const = default;
};
struct UnboundedSelectSettings {
  uint64_t min_rows = 1000;
  bool operator==(const UnboundedSelectSettings&) const = default;
};
struct SlowQuerySettings {
  uint32_t threshold_ms = 100;
  bool operator==(const SlowQuerySettings&) const = default;
};
struct QueryBudgetSettings {
  uint32_t max_queries = 50;
  bool operator==(const QueryBudgetSettings&) const = default;
};
struct ConnectionChurnSettings {
  uint32_t min_connections = 20;
  uint32_t max_lifetime_ms = 1000;
  uint32_t within_s = 10;
  bool operator==(const ConnectionChurnSettings&) const = default;
};

// Findings nobody wants to see again: by fingerprint (16 hex), table or route.
struct SuppressSettings {
  std::vector<std::string> fingerprints;
  std::vector<std::string> tables;
  std::vector<std::string> routes;
  bool operator==(const SuppressSettings&) const = default;
};

struct FingerprintSettings {
  uint64_t cache_bytes = 4 * 1024 * 1024;
  bool operator==(const FingerprintSettings&) const = default;
};

struct AdminSettings {
  std::string listen;                    // empty = off
  uint32_t recent_findings = 200;
  uint32_t recent_requests = 200;
  bool operator==(const AdminSettings&) const = default;
};

struct LogSettings {
  std::string level = "info";            // trace debug info warn error critical off
  std::string format = "text";           // text | json
  bool operator==(const LogSettings&) const = default;
};

// Thresholds analysis reads; SIGHUP replaces this part (and output) only.
struct AnalysisSettings {
  WindowSettings window;
  NPlusOneSettings n_plus_one;
  DuplicateQuerySettings duplicate_query;
  UnbatchedWriteSettings unbatched_write;
  UnboundedSelectSettings unbounded_select;
  SlowQuerySettings slow_query;
  QueryBudgetSettings query_budget;
  ConnectionChurnSettings connection_churn;
  SuppressSettings suppress;
  uint32_t max_repeats_per_minute = 10;  // mirrors output.max_repeats_per_minute
  bool operator==(const AnalysisSettings&) const = default;
};

// The leg between the application and pgsleuth (pgbouncer's client_tls_*
// meanings) and the leg between pgsleuth and PostgreSQL (libpq's sslmode).
// SIGHUP applies both to connections that start after it.
struct ClientTlsSettings {
  std::string sslmode = "disable";       // disable allow prefer require verify-ca verify-full
  std::string cert_file;                 // PEM; needed for every mode but disable
  std::string key_file;
  std::string ca_file;                   // verify-ca / verify-full: client certificates chain to it
  bool operator==(const ClientTlsSettings&) const = default;
};

struct ServerTlsSettings {
  std::string sslmode = "prefer";        // disable prefer require verify-ca verify-full
  std::string ca_file;                   // empty = the system's store
  std::string cert_file;                 // optional client certificate
  std::string key_file;
  bool operator==(const ServerTlsSettings&) const = default;
};

// The index advisor: EXPLAIN on a side connection per database, as `user`.
// Read at start only (a SIGHUP names a change, as for [proxy]).
struct AdvisorSettings {
  bool enabled = false;
  std::string user;                      // role of the side connection; same upstream, the statement's database
  std::string password_file;             // its password (first line), if the server asks for one
  uint32_t min_total_ms = 200;           // a fingerprint is explained once its executions took this long in total
  uint32_t max_explains_per_minute = 30;
  uint64_t min_table_rows = 10000;       // only tables at least this large make a missing_index finding
  uint32_t statement_timeout_ms = 2000;
  bool operator==(const AdvisorSettings&) const = default;
};

struct Config {
  ProxySettings proxy;
  ClientTlsSettings client_tls;
  ServerTlsSettings server_tls;
  OutputSettings output;
  InstanceSettings instance;
  AnalysisSettings analysis;
  FingerprintSettings fingerprint;
  AdminSettings admin;
  LogSettings log;
  AdvisorSettings advisor;
  std::string config_path;               // where it was loaded from, if anywhere
  bool operator==(const Config&) const = default;
};

}  // namespace pgsleuth::config
