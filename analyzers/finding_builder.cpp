#include "analyzers/finding_builder.hpp"

#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace pgsleuth::analyzers {

namespace {

boost::json::value optional_string(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::string(*s);
}

boost::json::value sample_params(const Sample* sample) {
  if (!sample || !sample->params) return nullptr;
  boost::json::array params;
  for (const auto& p : *sample->params) {
    if (p) {
      params.emplace_back(boost::json::string(*p));
    } else {
      params.emplace_back(nullptr);
    }
  }
  return params;
}

boost::json::array tables_of(const fingerprint::StatementShape* shape) {
  boost::json::array tables;
  if (!shape) return tables;
  const auto add = [&](const std::string& t) {
    for (const auto& have : tables) {
      if (have.as_string() == t) return;
    }
    tables.emplace_back(boost::json::string(t));
  };
  for (const auto& t : shape->facts.tables_read) add(t);
  for (const auto& t : shape->facts.tables_written) add(t);
  return tables;
}

void put_connection(boost::json::object& o, const events::ConnectionInfoPtr& conn) {
  if (!conn) {
    for (const char* key : {"connection_id", "database", "user", "application_name", "client_addr"}) {
      o[key] = nullptr;
    }
    return;
  }
  o["connection_id"] = conn->connection_id;
  o["database"] = conn->database;
  o["user"] = conn->user;
  o["application_name"] = conn->application_name;
  o["client_addr"] = conn->client_addr;
}

void put_window(boost::json::object& o, const RequestWindow* window) {
  if (!window) {
    o["request_id"] = nullptr;
    o["request_source"] = nullptr;
    o["route"] = nullptr;
    return;
  }
  o["request_id"] = window->id();
  o["request_source"] = to_string(window->source());
  o["route"] = optional_string(window->route());
}

}  // namespace

std::string rfc3339(WallTime t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(tt), millis);
}

WallTime window_end_wall(const RequestWindow& window, SteadyTime now) {
  const auto since_last = now > window.last_completed() ? now - window.last_completed()
                                                        : SteadyTime::duration::zero();
  if (window.last_completed_wall() == WallTime{}) return std::chrono::system_clock::now();
  return window.last_completed_wall() +
         std::chrono::duration_cast<WallTime::duration>(since_last);
}

boost::json::object build_finding(const Detection& d, Severity severity,
                                  const RequestWindow* window,
                                  const events::ConnectionInfoPtr& conn, WallTime ts) {
  const fingerprint::StatementShape* shape = d.group ? d.group->shape.get() : nullptr;
  boost::json::object o;
  o["ts"] = rfc3339(ts);
  o["kind"] = to_string(d.kind);
  o["severity"] = to_string(severity);
  if (shape) {
    o["fingerprint"] = shape->fingerprint_hex;
    o["normalized"] = shape->normalized;
  } else {
    o["fingerprint"] = optional_string(d.fingerprint);
    o["normalized"] = nullptr;
  }
  o["sample_sql"] = d.sample ? boost::json::value(boost::json::string(d.sample->sql))
                             : boost::json::value(nullptr);
  o["sample_params"] = sample_params(d.sample);
  o["count"] = d.count;
  put_window(o, window);
  put_connection(o, d.sample && d.sample->conn ? d.sample->conn : conn);
  o["tables"] = tables_of(shape);
  o["message"] = d.message;
  o["suggestion"] = d.suggestion;
  o["truncated"] = window ? window->truncated() : false;
  for (const auto& kv : d.extra) o[kv.key()] = kv.value();
  return o;
}

boost::json::object build_request_summary(const RequestWindow& window, WallTime ts) {
  boost::json::object o;
  o["ts"] = rfc3339(ts);
  o["kind"] = "request_summary";
  put_window(o, &window);
  o["count"] = window.statement_count();
  o["db_time_ms"] = round_ms(window.db_time_ms());
  o["rows"] = window.rows();
  o["distinct_fingerprints"] = window.groups().size();
  o["duration_ms"] = round_ms(elapsed_ms(window.opened(), window.last_completed()));
  o["truncated"] = window.truncated();
  put_connection(o, window.first_conn());
  return o;
}

}  // namespace pgsleuth::analyzers
