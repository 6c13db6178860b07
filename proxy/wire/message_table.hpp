#pragma once
// Which message types each direction may send after startup, the largest
// length each may declare, and how many body bytes analysis wants to see.
// Everything not captured is skipped by its remaining length.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgsleuth::wire {

enum class Direction : uint8_t { Frontend, Backend };

struct MessageRule {
  bool known = false;
  uint32_t capture_bytes = 0;  // body bytes handed to the observer
  uint32_t max_length = 0;     // largest length field accepted
  std::string_view name;       // as the protocol's documentation names it
};

using MessageTable = std::array<MessageRule, 256>;

// How much analysis wants of the messages that carry statement text,
// parameters and rows: its consumer's choice (proxy/observed_messages.hpp),
// so this layer depends on nothing above it. Everything else the table
// captures is what the protocol itself needs to read.
struct CapturePolicy {
  uint32_t sql_bytes = 0;       // Query, Parse
  uint32_t bind_bytes = 0;      // Bind
  uint32_t data_row_bytes = 0;  // DataRow
};

MessageTable make_message_table(Direction direction, const CapturePolicy& policy);
// Framing and the protocol's own messages only: statement text, parameters
// and rows are not captured.
const MessageTable& framing_table(Direction direction);

// A header is well-formed when its type is one the direction sends and its
// length lies within that type's bounds.
inline bool header_ok(const MessageRule& rule, uint32_t length) {
  return rule.known && length >= 4 && length <= rule.max_length;
}
// Why a header header_ok() refused is wrong, for a person.
std::string header_error(Direction direction, char type, uint32_t length);

// PostgreSQL refuses messages over 1 GB (PQ_LARGE_MESSAGE_LIMIT - 1).
inline constexpr uint32_t kMaxMessageLength = 0x3fffffff;

}  // namespace pgsleuth::wire
