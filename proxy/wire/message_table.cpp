#include "proxy/wire/message_table.hpp"

#include <fmt/format.h>

#include "events/statement_event.hpp"

namespace pgsleuth::wire {
namespace {

// Small control messages: capture all, and their length must be small.
constexpr uint32_t kSmall = 1024;
// Enough of a DataRow to hash the leading cells; the rest is counted only.
constexpr uint32_t kDataRowCapture = 2048;
// Query and Parse text beyond this is cut for analysis (forwarding is whole).
constexpr uint32_t kSqlCapture = events::kMaxSqlBytes + 1024;
// Bind carries parameters: enough for kMaxParams small values.
constexpr uint32_t kBindCapture = 32 * 1024;
constexpr uint32_t kErrorCapture = 8 * 1024;

struct Entry {
  char type;
  uint32_t capture;
  uint32_t max_length;
};

// Frontend (client to server) messages after startup.
constexpr Entry kFrontend[] = {
    {'Q', kSqlCapture, kMaxMessageLength},  // Query
    {'P', kSqlCapture, kMaxMessageLength},  // Parse
    {'B', kBindCapture, kMaxMessageLength}, // Bind
    {'E', kSmall, kMaxMessageLength},       // Execute
    {'C', kSmall, kMaxMessageLength},       // Close
    {'D', 0, kMaxMessageLength},            // Describe
    {'S', 0, 4},                            // Sync
    {'H', 0, 4},                            // Flush
    {'X', 0, 4},                            // Terminate
    {'d', 0, kMaxMessageLength},            // CopyData
    {'c', 0, 4},                            // CopyDone
    {'f', 0, kMaxMessageLength},            // CopyFail
    {'F', 0, kMaxMessageLength},            // FunctionCall
    {'p', 0, kMaxMessageLength},            // Password / SASL / GSS response: never captured
};

// Backend (server to client) messages.
constexpr Entry kBackend[] = {
    {'R', 4, kMaxMessageLength},               // Authentication*: the code only
    {'K', 512, 512},                           // BackendKeyData (3.2 keys up to 256 bytes)
    {'S', kSmall, kMaxMessageLength},          // ParameterStatus
    {'Z', kSmall, 5},                          // ReadyForQuery
    {'T', 0, kMaxMessageLength},               // RowDescription
    {'D', kDataRowCapture, kMaxMessageLength}, // DataRow
    {'C', kSmall, kMaxMessageLength},          // CommandComplete
    {'E', kErrorCapture, kMaxMessageLength},   // ErrorResponse
    {'N', 0, kMaxMessageLength},               // NoticeResponse
    {'A', 0, kMaxMessageLength},               // NotificationResponse
    {'1', 0, 4},                               // ParseComplete
    {'2', 0, 4},                               // BindComplete
    {'3', 0, 4},                               // CloseComplete
    {'n', 0, 4},                               // NoData
    {'s', 0, 4},                               // PortalSuspended
    {'I', 0, 4},                               // EmptyQueryResponse
    {'t', 0, kMaxMessageLength},               // ParameterDescription
    {'G', 0, kMaxMessageLength},               // CopyInResponse
    {'H', 0, kMaxMessageLength},               // CopyOutResponse
    {'W', 0, kMaxMessageLength},               // CopyBothResponse
    {'d', 0, kMaxMessageLength},               // CopyData
    {'c', 0, 4},                               // CopyDone
    {'V', 0, kMaxMessageLength},               // FunctionCallResponse
    {'v', 0, kMaxMessageLength},               // NegotiateProtocolVersion
};

template <size_t N>
MessageTable build(const Entry (&entries)[N]) {
  MessageTable table{};
  for (const Entry& e : entries) {
    table[static_cast<uint8_t>(e.type)] = MessageRule{true, e.capture, e.max_length};
  }
  return table;
}

}  // namespace

const MessageTable& message_table(Direction direction) {
  static const MessageTable frontend = build(kFrontend);
  static const MessageTable backend = build(kBackend);
  return direction == Direction::Frontend ? frontend : backend;
}

std::string header_error(Direction direction, char type, uint32_t length) {
  const char* side = direction == Direction::Frontend ? "frontend" : "backend";
  if (!message_table(direction)[static_cast<uint8_t>(type)].known) {
    return fmt::format("unknown {} message type 0x{:02x}", side, static_cast<uint8_t>(type));
  }
  return fmt::format("{} message '{}' has invalid length {}", side, type, length);
}

}  // namespace pgsleuth::wire
