#pragma once
// One finding as the program handles it, typed from the analyzer to the
// sinks; to_json (findings/json.hpp) makes it a line of the contract.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "findings/details.hpp"
#include "findings/severity.hpp"

namespace pgsleuth::findings {

using WallTime = std::chrono::system_clock::time_point;

// Bound parameter values as strings; a null value as nullopt.
using Params = std::vector<std::optional<std::string>>;

// The request window a line is about.
struct Window {
  std::string request_id;
  std::string request_source;  // traceparent | transaction | idle_gap
  std::optional<std::string> route;
};

// The session a line came from.
struct Connection {
  uint64_t connection_id = 0;
  std::string database;
  std::string user;
  std::string application_name;
  std::string client_addr;
};

struct Finding {
  WallTime ts{};
  Severity severity = Severity::Low;
  std::optional<std::string> fingerprint;  // null only when no statement was tracked
  std::optional<std::string> normalized;
  std::optional<std::string> sample_sql;
  std::optional<Params> sample_params;     // null for the simple protocol
  uint64_t count = 0;
  std::optional<Window> window;            // null: about no window (connection_churn)
  std::optional<Connection> connection;
  std::vector<std::string> tables;
  std::string message;
  std::string suggestion;
  bool truncated = false;                  // the window held more than it tracked
  Details details;                         // the kind's own fields; their type is the kind
  uint64_t suppressed_since_last = 0;      // held back by the rate limit since the last one
  std::string instance;                    // the pgsleuth that saw it (instance.name); the app sets it

  FindingKind kind() const { return kind_of(details); }
  std::optional<std::string> route() const { return window ? window->route : std::nullopt; }
};

}  // namespace pgsleuth::findings
