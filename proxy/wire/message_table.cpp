#include "proxy/wire/message_table.hpp"

#include <fmt/format.h>

#include "events/statement_event.hpp"
#include "proxy/wire/message_types.hpp"

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
    {frontend::kQuery, kSqlCapture, kMaxMessageLength},
    {frontend::kParse, kSqlCapture, kMaxMessageLength},
    {frontend::kBind, kBindCapture, kMaxMessageLength},
    {frontend::kExecute, kSmall, kMaxMessageLength},
    {frontend::kClose, kSmall, kMaxMessageLength},
    {frontend::kDescribe, kSmall, kMaxMessageLength},  // which statement: its parameter types follow
    {frontend::kSync, 0, 4},
    {frontend::kFlush, 0, 4},
    {frontend::kTerminate, 0, 4},
    {frontend::kCopyData, 0, kMaxMessageLength},
    {frontend::kCopyDone, 0, 4},
    {frontend::kCopyFail, 0, kMaxMessageLength},
    {frontend::kFunctionCall, 0, kMaxMessageLength},
    {frontend::kPassword, 0, kMaxMessageLength},  // passwords and SASL: never captured
};

// Backend (server to client) messages.
constexpr Entry kBackend[] = {
    {backend::kAuthentication, 4, kMaxMessageLength},  // the code only
    {backend::kBackendKeyData, 512, 512},              // protocol 3.2 keys are up to 256 bytes
    {backend::kParameterStatus, kSmall, kMaxMessageLength},
    {backend::kReadyForQuery, kSmall, 5},
    {backend::kRowDescription, 0, kMaxMessageLength},
    {backend::kDataRow, kDataRowCapture, kMaxMessageLength},
    {backend::kCommandComplete, kSmall, kMaxMessageLength},
    {backend::kErrorResponse, kErrorCapture, kMaxMessageLength},
    {backend::kNoticeResponse, 0, kMaxMessageLength},
    {backend::kNotificationResponse, 0, kMaxMessageLength},
    {backend::kParseComplete, 0, 4},
    {backend::kBindComplete, 0, 4},
    {backend::kCloseComplete, 0, 4},
    {backend::kNoData, 0, 4},
    {backend::kPortalSuspended, 0, 4},
    {backend::kEmptyQueryResponse, 0, 4},
    {backend::kParameterDescription, kSmall, kMaxMessageLength},  // the first 255 types
    {backend::kCopyInResponse, 0, kMaxMessageLength},
    {backend::kCopyOutResponse, 0, kMaxMessageLength},
    {backend::kCopyBothResponse, 0, kMaxMessageLength},
    {backend::kCopyData, 0, kMaxMessageLength},
    {backend::kCopyDone, 0, 4},
    {backend::kFunctionCallResponse, 0, kMaxMessageLength},
    {backend::kNegotiateProtocolVersion, 0, kMaxMessageLength},
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
