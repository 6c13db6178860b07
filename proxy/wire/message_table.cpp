#include "proxy/wire/message_table.hpp"

#include <fmt/format.h>

#include "proxy/wire/message_types.hpp"

namespace pgsleuth::wire {
namespace {

// Small control messages: capture all, and their length must be small.
constexpr uint32_t kSmall = 1024;
constexpr uint32_t kErrorCapture = 8 * 1024;
// A fixed size, or the one the consumer's CapturePolicy sets.
struct Capture {
  enum class Slot : uint8_t { Fixed, Sql, Bind, DataRow };
  constexpr Capture(uint32_t b) : bytes(b) {}  // NOLINT: the table reads better with plain sizes
  constexpr explicit Capture(Slot s) : slot(s) {}
  uint32_t bytes = 0;
  Slot slot = Slot::Fixed;

  uint32_t under(const CapturePolicy& policy) const {
    switch (slot) {
      case Slot::Sql: return policy.sql_bytes;
      case Slot::Bind: return policy.bind_bytes;
      case Slot::DataRow: return policy.data_row_bytes;
      case Slot::Fixed: break;
    }
    return bytes;
  }
};
constexpr Capture kSqlCapture(Capture::Slot::Sql);
constexpr Capture kBindCapture(Capture::Slot::Bind);
constexpr Capture kDataRowCapture(Capture::Slot::DataRow);

struct Entry {
  char type;
  std::string_view name;
  Capture capture;
  uint32_t max_length;
};

// Frontend (client to server) messages after startup.
constexpr Entry kFrontend[] = {
    {frontend::kQuery, "Query", kSqlCapture, kMaxMessageLength},
    {frontend::kParse, "Parse", kSqlCapture, kMaxMessageLength},
    {frontend::kBind, "Bind", kBindCapture, kMaxMessageLength},
    {frontend::kExecute, "Execute", kSmall, kMaxMessageLength},
    {frontend::kClose, "Close", kSmall, kMaxMessageLength},
    {frontend::kDescribe, "Describe", kSmall, kMaxMessageLength},  // which statement: its parameter types follow
    {frontend::kSync, "Sync", 0, 4},
    {frontend::kFlush, "Flush", 0, 4},
    {frontend::kTerminate, "Terminate", 0, 4},
    {frontend::kCopyData, "CopyData", 0, kMaxMessageLength},
    {frontend::kCopyDone, "CopyDone", 0, 4},
    {frontend::kCopyFail, "CopyFail", 0, kMaxMessageLength},
    {frontend::kFunctionCall, "FunctionCall", 0, kMaxMessageLength},
    {frontend::kPassword, "Password", 0, kMaxMessageLength},  // passwords and SASL: never captured
};

// Backend (server to client) messages.
constexpr Entry kBackend[] = {
    {backend::kAuthentication, "Authentication", 4, kMaxMessageLength},  // the code only
    {backend::kBackendKeyData, "BackendKeyData", 512, 512},              // protocol 3.2 keys are up to 256 bytes
    {backend::kParameterStatus, "ParameterStatus", kSmall, kMaxMessageLength},
    {backend::kReadyForQuery, "ReadyForQuery", kSmall, 5},
    {backend::kRowDescription, "RowDescription", 0, kMaxMessageLength},
    {backend::kDataRow, "DataRow", kDataRowCapture, kMaxMessageLength},
    {backend::kCommandComplete, "CommandComplete", kSmall, kMaxMessageLength},
    {backend::kErrorResponse, "ErrorResponse", kErrorCapture, kMaxMessageLength},
    {backend::kNoticeResponse, "NoticeResponse", 0, kMaxMessageLength},
    {backend::kNotificationResponse, "NotificationResponse", 0, kMaxMessageLength},
    {backend::kParseComplete, "ParseComplete", 0, 4},
    {backend::kBindComplete, "BindComplete", 0, 4},
    {backend::kCloseComplete, "CloseComplete", 0, 4},
    {backend::kNoData, "NoData", 0, 4},
    {backend::kPortalSuspended, "PortalSuspended", 0, 4},
    {backend::kEmptyQueryResponse, "EmptyQueryResponse", 0, 4},
    {backend::kParameterDescription, "ParameterDescription", kSmall, kMaxMessageLength},  // the first 255 types
    {backend::kCopyInResponse, "CopyInResponse", 0, kMaxMessageLength},
    {backend::kCopyOutResponse, "CopyOutResponse", 0, kMaxMessageLength},
    {backend::kCopyBothResponse, "CopyBothResponse", 0, kMaxMessageLength},
    {backend::kCopyData, "CopyData", 0, kMaxMessageLength},
    {backend::kCopyDone, "CopyDone", 0, 4},
    {backend::kFunctionCallResponse, "FunctionCallResponse", 0, kMaxMessageLength},
    {backend::kNegotiateProtocolVersion, "NegotiateProtocolVersion", 0, kMaxMessageLength},
};

template <size_t N>
MessageTable build(const Entry (&entries)[N], const CapturePolicy& policy) {
  MessageTable table{};
  for (const Entry& e : entries) {
    table[static_cast<uint8_t>(e.type)] = MessageRule{true, e.capture.under(policy), e.max_length, e.name};
  }
  return table;
}

}  // namespace

MessageTable make_message_table(Direction direction, const CapturePolicy& policy) {
  return direction == Direction::Frontend ? build(kFrontend, policy) : build(kBackend, policy);
}

const MessageTable& framing_table(Direction direction) {
  static const MessageTable frontend = make_message_table(Direction::Frontend, {});
  static const MessageTable backend = make_message_table(Direction::Backend, {});
  return direction == Direction::Frontend ? frontend : backend;
}

std::string header_error(Direction direction, char type, uint32_t length) {
  const char* side = direction == Direction::Frontend ? "frontend" : "backend";
  const MessageRule& rule = framing_table(direction)[static_cast<uint8_t>(type)];
  if (!rule.known) return fmt::format("unknown {} message type 0x{:02x}", side, static_cast<uint8_t>(type));
  return fmt::format("{} message {} ('{}') has invalid length {}", side, rule.name, type, length);
}

}  // namespace pgsleuth::wire
