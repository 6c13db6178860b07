#include "analyzers/finding_builder.hpp"

#include <algorithm>

namespace pgsleuth::analyzers {

namespace {

std::vector<std::string> tables_of(const fingerprint::StatementShape* shape) {
  std::vector<std::string> tables;
  if (!shape) return tables;
  const auto add = [&](const std::string& t) {
    if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(t);
  };
  for (const auto& t : shape->facts.tables_read) add(t);
  for (const auto& t : shape->facts.tables_written) add(t);
  return tables;
}

std::optional<findings::Connection> connection_of(const events::ConnectionInfoPtr& conn) {
  if (!conn) return std::nullopt;
  return findings::Connection{conn->connection_id, conn->database, conn->user, conn->application_name,
                              conn->client_addr};
}

}  // namespace

findings::Window window_of(const RequestWindow& window) {
  return {window.id(), std::string(to_string(window.source())), window.route()};
}

WallTime window_end_wall(const RequestWindow& window, SteadyTime now) {
  const auto since_last = now > window.last_completed() ? now - window.last_completed()
                                                        : SteadyTime::duration::zero();
  if (window.last_completed_wall() == WallTime{}) return std::chrono::system_clock::now();
  return window.last_completed_wall() +
         std::chrono::duration_cast<WallTime::duration>(since_last);
}

findings::Finding build_finding(const Detection& d, Severity severity, const RequestWindow* window,
                                const events::ConnectionInfoPtr& conn, WallTime ts) {
  const fingerprint::StatementShape* shape = d.group ? d.group->shape.get() : nullptr;
  findings::Finding f;
  f.ts = ts;
  f.severity = severity;
  if (shape) {
    f.fingerprint = shape->fingerprint_hex;
    f.normalized = shape->normalized;
  } else {
    f.fingerprint = d.fingerprint;
  }
  if (d.sample) {
    f.sample_sql = d.sample->sql;
    f.sample_params = d.sample->params;
  }
  f.count = d.count;
  if (window) {
    f.window = window_of(*window);
  } else if (d.request) {
    f.window = *d.request;
  }
  f.connection = connection_of(d.sample && d.sample->conn ? d.sample->conn : conn);
  f.tables = tables_of(shape);
  f.message = d.message;
  f.suggestion = d.suggestion;
  f.truncated = window ? window->truncated() : d.request_truncated;
  f.details = d.details;
  return f;
}

findings::RequestSummary build_request_summary(const RequestWindow& window, WallTime ts) {
  findings::RequestSummary s;
  s.ts = ts;
  s.window = window_of(window);
  s.count = window.statement_count();
  s.db_time_ms = round_ms(window.db_time_ms());
  s.rows = window.rows();
  s.distinct_fingerprints = window.groups().size();
  s.duration_ms = round_ms(elapsed_ms(window.opened(), window.last_completed()));
  s.truncated = window.truncated();
  s.connection = connection_of(window.first_conn());
  return s;
}

}  // namespace pgsleuth::analyzers
