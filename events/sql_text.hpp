#pragma once
// A statement's text, shared by everything that refers to it: the statement
// table, portals, requests in flight and every event of one prepared
// statement point at one copy. Never null by construction: a statement whose
// text is unknown (never Parsed, or evicted from a bounded table) is "".

#include <memory>
#include <string>
#include <string_view>

namespace pgsleuth::events {

class SqlText {
 public:
  SqlText() : text_(empty()) {}
  explicit SqlText(std::string_view text) : text_(std::make_shared<const std::string>(text)) {}

  const std::string& str() const { return *text_; }
  const std::string& operator*() const { return *text_; }
  const std::string* operator->() const { return text_.get(); }
  // The same copy (not merely equal text): what a per-text cache keys on.
  bool same_copy(const SqlText& other) const { return text_ == other.text_; }

 private:
  static const std::shared_ptr<const std::string>& empty() {
    static const auto kEmpty = std::make_shared<const std::string>();
    return kEmpty;
  }
  std::shared_ptr<const std::string> text_;
};

}  // namespace pgsleuth::events
