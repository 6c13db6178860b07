#include "proxy/sql_words.hpp"

#include <cstdint>
#include <utility>

namespace pgsleuth::proxy {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// End of a quoted run opened at s[i] by `quote` (a doubled quote stays
// inside; with `backslashes`, \x escapes the next byte). npos when open.
size_t quoted_end(std::string_view s, size_t i, char quote, bool backslashes) {
  for (++i; i < s.size(); ++i) {
    if (backslashes && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

// End of $tag$...$tag$ opened at s[i], or i + 1 when s[i] opens none ($1).
size_t dollar_quoted_end(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && s[j] >= '0' && s[j] <= '9') return i + 1;
  while (j < s.size() && is_ident_char(static_cast<unsigned char>(s[j])) && s[j] != '$') ++j;
  if (j >= s.size() || s[j] != '$') return i + 1;
  const std::string_view tag = s.substr(i, j + 1 - i);
  const size_t close = s.find(tag, j + 1);
  return close == std::string_view::npos ? s.size() : close + tag.size();
}

}  // namespace

void SqlWords::skip_space_and_comments() {
  while (pos_ < s_.size()) {
    if (is_space(s_[pos_])) {
      ++pos_;
    } else if (s_.compare(pos_, 2, "--") == 0) {
      while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
    } else if (s_.compare(pos_, 2, "/*") == 0) {
      int depth = 0;
      while (pos_ < s_.size()) {
        if (s_.compare(pos_, 2, "/*") == 0) {
          ++depth;
          pos_ += 2;
        } else if (s_.compare(pos_, 2, "*/") == 0) {
          pos_ += 2;
          if (--depth == 0) break;
        } else {
          ++pos_;
        }
      }
    } else {
      return;
    }
  }
}

bool SqlWords::take(std::string_view upper) {
  skip_space_and_comments();
  if (s_.size() - pos_ < upper.size()) return false;
  for (size_t i = 0; i < upper.size(); ++i) {
    if (ascii_lower(s_[pos_ + i]) != ascii_lower(upper[i])) return false;
  }
  const size_t end = pos_ + upper.size();
  if (end < s_.size() && is_ident_char(static_cast<unsigned char>(s_[end]))) return false;
  pos_ = end;
  return true;
}

std::optional<std::string> SqlWords::identifier() {
  skip_space_and_comments();
  if (pos_ >= s_.size()) return std::nullopt;
  std::string out;
  if (s_[pos_] == '"') {
    const size_t end = quoted_end(s_, pos_, '"', false);
    if (end == std::string_view::npos) return std::nullopt;
    for (size_t i = pos_ + 1; i + 1 < end; ++i) {
      out += s_[i];
      if (s_[i] == '"') ++i;  // "" stands for one "
    }
    pos_ = end;
    return out;
  }
  if (!is_ident_start(static_cast<unsigned char>(s_[pos_]))) return std::nullopt;
  while (pos_ < s_.size() && is_ident_char(static_cast<unsigned char>(s_[pos_]))) out += ascii_lower(s_[pos_++]);
  return out;
}

bool SqlWords::next_statement() {
  auto past = [this](size_t end) { pos_ = end == std::string_view::npos ? s_.size() : end; };
  bool after_e = false;  // the word just read is E, so a quote opens E'...'
  while (pos_ < s_.size()) {
    skip_space_and_comments();
    if (pos_ >= s_.size()) break;
    const char c = s_[pos_];
    const bool escapes = std::exchange(after_e, false) && c == '\'';
    if (c == ';') {
      ++pos_;
      return true;
    }
    if (c == '\'') {
      past(quoted_end(s_, pos_, '\'', escapes));
    } else if (c == '"') {
      past(quoted_end(s_, pos_, '"', false));
    } else if (c == '$') {
      past(dollar_quoted_end(s_, pos_));
    } else if (is_ident_start(static_cast<unsigned char>(c))) {
      const size_t begin = pos_;
      while (pos_ < s_.size() && is_ident_char(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      after_e = pos_ == begin + 1 && (c == 'e' || c == 'E') && pos_ < s_.size() && s_[pos_] == '\'';
    } else {
      ++pos_;
    }
  }
  return false;
}

bool SqlWords::mentions(std::string_view sql, std::string_view upper) {
  const size_t n = upper.size();
  if (n == 0 || sql.size() < n) return n == 0;
  // Clearing bit 5 upper-cases ASCII letters; it also maps some other
  // bytes onto letters, which only costs a closer look that finds nothing.
  auto folded = [](char c) { return static_cast<unsigned char>(c & ~0x20); };
  uint64_t in_word[4] = {};
  for (char c : upper) in_word[folded(c) >> 6] |= uint64_t{1} << (folded(c) & 63);
  // A byte that is no letter of the word cannot lie inside an occurrence,
  // so none starts in the n places up to it (Horspool's skip).
  for (size_t i = 0; i + n <= sql.size();) {
    const unsigned char tail = folded(sql[i + n - 1]);
    if (!(in_word[tail >> 6] >> (tail & 63) & 1)) {
      i += n;
      continue;
    }
    size_t k = 0;
    while (k < n && folded(sql[i + k]) == static_cast<unsigned char>(upper[k])) ++k;
    if (k == n) return true;
    ++i;
  }
  return false;
}

bool SqlWords::skip_statements(uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (!next_statement()) return false;
  }
  return true;
}

}  // namespace pgsleuth::proxy
