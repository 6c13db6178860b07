#pragma once
// Bounds-checked big-endian reads over a byte span. Every read reports
// failure instead of running past the end, so a hostile length or count
// can never make the decoder read outside the message.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace pgsleuth::wire {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : data_(bytes) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  std::optional<uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  std::optional<uint16_t> u16() {
    if (remaining() < 2) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    pos_ += 2;
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
  }
  std::optional<int16_t> i16() {
    auto v = u16();
    if (!v) return std::nullopt;
    return static_cast<int16_t>(*v);
  }
  std::optional<uint32_t> u32() {
    if (remaining() < 4) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    pos_ += 4;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  }
  std::optional<int32_t> i32() {
    auto v = u32();
    if (!v) return std::nullopt;
    return static_cast<int32_t>(*v);
  }
  // A NUL-terminated string; the terminator is consumed, not returned.
  std::optional<std::string_view> cstring() {
    const void* nul = std::memchr(data_.data() + pos_, 0, remaining());
    if (nul == nullptr) return std::nullopt;
    size_t len = static_cast<const char*>(nul) - (data_.data() + pos_);
    std::string_view s = data_.substr(pos_, len);
    pos_ += len + 1;
    return s;
  }
  std::optional<std::string_view> bytes(size_t n) {
    if (remaining() < n) return std::nullopt;
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

inline void put_u32(char* out, uint32_t v) {
  out[0] = static_cast<char>(v >> 24);
  out[1] = static_cast<char>(v >> 16);
  out[2] = static_cast<char>(v >> 8);
  out[3] = static_cast<char>(v);
}

}  // namespace pgsleuth::wire
