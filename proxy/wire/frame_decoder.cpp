#include "proxy/wire/frame_decoder.hpp"

#include <algorithm>

#include "proxy/wire/byte_reader.hpp"

namespace pgsleuth::wire {

bool FrameDecoder::start_message(char type, uint32_t length) {
  const MessageRule& rule = table_[static_cast<uint8_t>(type)];
  if (!header_ok(rule, length)) {
    error_ = header_error(direction_, type, length);
    return false;
  }
  type_ = type;
  body_length_ = length - 4;
  body_seen_ = 0;
  capture_want_ = std::min(body_length_, rule.capture_bytes);
  in_body_ = true;
  return true;
}

void FrameDecoder::finish_message(MessageObserver& observer, std::string_view body) {
  in_body_ = false;
  header_have_ = 0;
  ++messages_;
  observer.on_message(Message{type_, body_length_, body});
}

bool FrameDecoder::feed(std::string_view bytes, MessageObserver& observer) {
  if (failed()) return false;
  while (!bytes.empty()) {
    if (!in_body_) {
      // Fast path: the whole header is in this feed.
      if (header_have_ == 0 && bytes.size() >= 5) {
        ByteReader r(bytes.substr(1, 4));
        if (!start_message(bytes[0], *r.u32())) return false;
        bytes.remove_prefix(5);
      } else {
        size_t take = std::min<size_t>(5 - header_have_, bytes.size());
        std::copy_n(bytes.data(), take, header_ + header_have_);
        header_have_ += static_cast<uint32_t>(take);
        bytes.remove_prefix(take);
        if (header_have_ < 5) return true;
        ByteReader r(std::string_view(header_ + 1, 4));
        if (!start_message(header_[0], *r.u32())) return false;
      }
      // Fast path: the captured part is in this feed; no copy needed.
      if (capture_want_ <= bytes.size()) {
        std::string_view body = bytes.substr(0, capture_want_);
        size_t skip = std::min<size_t>(body_length_, bytes.size());
        body_seen_ = static_cast<uint32_t>(skip);
        bytes.remove_prefix(skip);
        if (body_seen_ == body_length_) {
          finish_message(observer, body);
          continue;
        }
        // Body continues in later feeds; keep what analysis wants.
        capture_.assign(body.data(), body.size());
        continue;
      }
      capture_.clear();
    }
    // Slow path: assembling the captured prefix and/or skipping the rest.
    uint32_t left = body_length_ - body_seen_;
    uint32_t take = static_cast<uint32_t>(std::min<size_t>(left, bytes.size()));
    if (capture_.size() < capture_want_) {
      size_t want = std::min<size_t>(capture_want_ - capture_.size(), take);
      capture_.append(bytes.data(), want);
    }
    body_seen_ += take;
    bytes.remove_prefix(take);
    if (body_seen_ == body_length_) finish_message(observer, capture_);
  }
  return true;
}

}  // namespace pgsleuth::wire
