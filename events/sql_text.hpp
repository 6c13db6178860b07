#pragma once
// A statement's text, shared by everything that refers to it: the statement
// table, portals, requests in flight and every event of one prepared
// statement point at one copy. Never null by construction: a statement whose
// text is unknown (never Parsed, or evicted from a bounded table) is "".
//
// One allocation holds the count and the bytes: a simple Query makes one
// of these on the I/O thread for every statement it sends.

#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace pgsleuth::events {

class SqlText {
 public:
  SqlText() = default;
  SqlText(const SqlText&) = default;
  SqlText& operator=(const SqlText&) = default;
  // A moved-from text is "", not a view of bytes it no longer owns.
  SqlText(SqlText&& other) noexcept : bytes_(std::move(other.bytes_)), text_(std::exchange(other.text_, {})) {}
  SqlText& operator=(SqlText&& other) noexcept {
    bytes_ = std::move(other.bytes_);
    text_ = std::exchange(other.text_, {});
    return *this;
  }
  explicit SqlText(std::string_view text) {
    if (text.empty()) return;
    auto bytes = std::make_shared_for_overwrite<char[]>(text.size());
    std::memcpy(bytes.get(), text.data(), text.size());
    text_ = {bytes.get(), text.size()};
    bytes_ = std::move(bytes);
  }

  std::string_view str() const { return text_; }
  std::string_view operator*() const { return text_; }
  const std::string_view* operator->() const { return &text_; }
  // The same copy (not merely equal text): what a per-text cache keys on.
  // Every empty text is the same copy.
  bool same_copy(const SqlText& other) const {
    return bytes_ == other.bytes_ && text_.size() == other.text_.size();
  }

 private:
  std::shared_ptr<const char[]> bytes_;  // null for ""
  std::string_view text_;                // into bytes_
};

}  // namespace pgsleuth::events
