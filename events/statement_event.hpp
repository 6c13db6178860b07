#pragma once
// The seam between the proxy and analysis: plain values describing what a
// connection did. Nothing here knows about sockets, bytes or threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "events/sql_text.hpp"

namespace pgsleuth::events {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// Who a connection is. Immutable once the startup packet was read, shared by
// every event of the connection.
struct ConnectionInfo {
  uint64_t connection_id = 0;
  std::string user;
  std::string database;
  std::string application_name;
  std::string client_addr;  // IP address only
  SteadyTime opened_at{};
};
using ConnectionInfoPtr = std::shared_ptr<const ConnectionInfo>;

// One bound parameter of the extended protocol.
struct BoundParam {
  bool is_null = false;
  bool binary = false;  // format code 1: `value` holds the raw bytes
  std::string value;
  // The parameter's type OID, from Parse or the server's
  // ParameterDescription; 0 when unknown.
  uint32_t type_oid = 0;
};

// One executed statement, as seen at the proxy.
struct StatementEvent {
  ConnectionInfoPtr conn;
  // The SQL text as sent. For a simple Query holding several statements the
  // whole text, with `statement_index` naming which of them this is.
  SqlText sql;
  uint32_t statement_index = 0;
  bool extended = false;            // extended protocol: `params` are meaningful
  std::vector<BoundParam> params;
  SteadyTime started{};             // request seen at the proxy
  SteadyTime completed{};           // CommandComplete / ErrorResponse seen
  WallTime completed_wall{};
  uint64_t rows = 0;                // DataRow messages returned
  uint64_t bytes = 0;               // DataRow bytes returned
  std::string command_tag;          // e.g. "SELECT 3"; empty on error
  std::string sqlstate;             // empty when it succeeded
  // Transaction status before and after the statement: 'I' idle, 'T' in a
  // block, 'E' failed block (ReadyForQuery's codes).
  char tx_before = 'I';
  char tx_after = 'I';
  // xxh3 of every returned row's cells in order (changes when results do),
  // and xxh3 of individual returned cell values, bounded in number, so an
  // analyzer can tell whether later parameters came from these rows.
  uint64_t result_hash = 0;
  std::vector<uint64_t> cell_hashes;
};

struct ConnectionOpened {
  ConnectionInfoPtr conn;
};

struct ConnectionClosed {
  ConnectionInfoPtr conn;
  SteadyTime closed_at{};
};

using Event = std::variant<ConnectionOpened, StatementEvent, ConnectionClosed>;

// Limits on what one event carries, so a hostile statement cannot make the
// analysis side hold unbounded memory.
inline constexpr size_t kMaxSqlBytes = 64 * 1024;
inline constexpr size_t kMaxParamBytes = 128;
inline constexpr size_t kMaxParams = 32;
inline constexpr size_t kMaxCellHashes = 4096;
inline constexpr size_t kMaxHashedCellBytes = 64;

}  // namespace pgsleuth::events
