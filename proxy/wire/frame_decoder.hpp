#pragma once
// Incremental, pure framing of a post-startup message stream: bytes in,
// messages out. Knows nothing about sockets. Messages may be split across
// feeds at any byte; only the body prefix the direction's table asks for is
// ever held, so a 100 MB DataRow or CopyData costs no memory.

#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/wire/message_table.hpp"

namespace pgsleuth::wire {

struct Message {
  char type = 0;
  uint32_t body_length = 0;   // declared body length (length field minus 4)
  std::string_view body;      // captured prefix of the body
  bool truncated() const { return body.size() < body_length; }
};

class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  virtual void on_message(const Message& message) = 0;
};

class FrameDecoder {
 public:
  // Captures what `table` says (which must outlive the decoder).
  FrameDecoder(Direction direction, const MessageTable& table) : table_(table), direction_(direction) {}
  explicit FrameDecoder(Direction direction) : FrameDecoder(direction, framing_table(direction)) {}

  // Returns false once the stream stopped making sense (then error() says
  // why and later feeds are ignored).
  bool feed(std::string_view bytes, MessageObserver& observer);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t messages() const { return messages_; }
  // No message is partly fed: the stream so far ends on a message boundary.
  bool at_message_boundary() const { return !in_body_ && header_have_ == 0; }

 private:
  bool start_message(char type, uint32_t length);
  void finish_message(MessageObserver& observer, std::string_view body);

  const MessageTable& table_;
  Direction direction_;
  // Header being assembled across feeds.
  char header_[5] = {};
  uint32_t header_have_ = 0;
  // Body of the current message.
  bool in_body_ = false;
  char type_ = 0;
  uint32_t body_length_ = 0;
  uint32_t body_seen_ = 0;
  uint32_t capture_want_ = 0;
  std::string capture_;       // reused across messages
  uint64_t messages_ = 0;
  std::string error_;
};

}  // namespace pgsleuth::wire
