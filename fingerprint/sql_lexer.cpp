#include "fingerprint/sql_lexer.hpp"

#include <cstring>
#include <limits>

namespace pgsleuth::fingerprint {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_ident_cont(unsigned char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }
bool is_hex(char c) { return hex_digit(c) >= 0; }
bool is_op_char(char c) { return c != '\0' && std::strchr("~!@#^&|`?+-*/%<>=", c) != nullptr; }
bool equals_nocase(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if ((word[i] | 0x20) != lower[i]) return false;
  }
  return true;
}

// PostgreSQL's lexer is driven by one mutable cursor; so is this one.
class Lexer {
 public:
  Lexer(std::string_view sql, LexedQuery& out) : s_(sql), out_(out) {}

  bool run() {
    if (s_.size() > std::numeric_limits<int32_t>::max()) return false;
    size_t stmt_begin = 0;
    size_t stmt_first = 0;
    while (pos_ < s_.size()) {
      const unsigned char c = s_[pos_];
      if (is_sql_space(c)) {
        ++pos_;
      } else if (c == '-' && peek(1) == '-') {
        const size_t begin = pos_;
        while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
        out_.comments.push_back(CommentSpan{static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_), false});
      } else if (c == '/' && peek(1) == '*') {
        const size_t begin = pos_;
        if (!skip_block_comment()) return false;
        out_.comments.push_back(CommentSpan{static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_), true});
      } else if (c == ';') {
        if (paren_depth_ > 0) return false;  // CREATE RULE ... (a; b): leave to the parser
        finish_statement(stmt_begin, pos_, stmt_first);
        stmt_begin = ++pos_;
        stmt_first = out_.tokens.size();
      } else if (!lex_token(c)) {
        return false;
      }
    }
    finish_statement(stmt_begin, s_.size(), stmt_first);
    return true;
  }

 private:
  char peek(size_t ahead) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }

  void emit(size_t begin, TokenKind kind, LiteralClass lit = LiteralClass::None) {
    out_.tokens.push_back(Token{static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_), kind, lit});
  }

  void finish_statement(size_t begin, size_t end, size_t first_token) {
    if (out_.tokens.size() == first_token) return;  // empty: the server skips it too
    const auto [b, e] = trim_sql_space(s_, begin, end);
    out_.statements.push_back(LexedStatement{static_cast<uint32_t>(b), static_cast<uint32_t>(e),
                                             static_cast<uint32_t>(first_token),
                                             static_cast<uint32_t>(out_.tokens.size() - first_token)});
  }

  bool skip_block_comment() {
    int depth = 0;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '/' && peek(1) == '*') {
        ++depth;
        pos_ += 2;
      } else if (s_[pos_] == '*' && peek(1) == '/') {
        pos_ += 2;
        if (--depth == 0) return true;
      } else if (s_[pos_] == '\0') {
        return false;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  bool lex_token(unsigned char c) {
    if (c == '\0') return false;
    const char c1 = peek(1);
    const char lower = static_cast<char>(c | 0x20);
    if (c == '\'') return lex_quoted(pos_, LiteralClass::String);
    if (c1 == '\'' && (lower == 'e' || lower == 'b' || lower == 'x' || lower == 'n')) {
      const auto cls = lower == 'e'   ? LiteralClass::Escape
                       : lower == 'b' ? LiteralClass::Bits
                       : lower == 'x' ? LiteralClass::Hex
                                      : LiteralClass::National;
      const size_t begin = cls == LiteralClass::National ? pos_ + 1 : pos_;
      ++pos_;
      return lex_quoted(begin, cls);
    }
    if (lower == 'u' && c1 == '&' && (peek(2) == '\'' || peek(2) == '"')) {
      const size_t begin = pos_;
      pos_ += 2;
      if (s_[pos_] == '"') return lex_quoted_ident(begin);
      return lex_quoted(begin, LiteralClass::Unicode);
    }
    if (c == '"') return lex_quoted_ident(pos_);
    if (c == '$') return is_digit(c1) ? lex_param() : lex_dollar_string();
    if (is_digit(c) || (c == '.' && is_digit(c1))) return lex_number();
    if (is_ident_start(c)) return lex_word();
    return lex_punct_or_operator(c);
  }

  bool lex_word() {
    const size_t begin = pos_;
    while (pos_ < s_.size() && is_ident_cont(s_[pos_])) ++pos_;
    const std::string_view word = s_.substr(begin, pos_ - begin);
    // BEGIN ATOMIC bodies hold ';' the server does not split on; UESCAPE
    // changes how the preceding literal is decoded.
    if (equals_nocase(word, "atomic") || equals_nocase(word, "uescape")) return false;
    emit(begin, TokenKind::Word);
    return true;
  }

  bool lex_param() {
    const size_t begin = pos_++;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && is_ident_cont(s_[pos_])) return false;  // trailing junk
    emit(begin, TokenKind::Param);
    return true;
  }

  bool lex_number() {
    const size_t begin = pos_;
    bool integer = true;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (peek(0) == '.' && peek(1) != '.') {
      integer = false;
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if ((peek(0) | 0x20) == 'e') {
      const size_t digits_at = pos_ + ((peek(1) == '+' || peek(1) == '-') ? 2 : 1);
      if (digits_at >= s_.size() || !is_digit(s_[digits_at])) return false;
      integer = false;
      pos_ = digits_at;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (is_ident_cont(s_[pos_]) || (s_[pos_] == '.' && peek(1) != '.'))) {
      return false;  // PostgreSQL 15: "trailing junk after numeric literal"
    }
    emit(begin, TokenKind::Literal,
         integer && fits_int32(begin, pos_) ? LiteralClass::Integer : LiteralClass::Float);
    return true;
  }

  bool fits_int32(size_t begin, size_t end) const {
    uint64_t value = 0;
    for (size_t i = begin; i < end; ++i) {
      value = value * 10 + static_cast<uint64_t>(s_[i] - '0');
      if (value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) return false;
    }
    return true;
  }

  // '...' with '' for a quote; E'' also takes backslash escapes, U&'' Unicode
  // escapes. `pos_` is at the opening quote.
  bool lex_quoted(size_t begin, LiteralClass cls) {
    ++pos_;
    while (true) {
      if (pos_ >= s_.size() || s_[pos_] == '\0') return false;
      const char c = s_[pos_];
      if (c == '\'') {
        if (peek(1) == '\'') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\\' && cls == LiteralClass::Escape) {
        if (!check_backslash_escape()) return false;
        continue;
      }
      if (c == '\\' && cls == LiteralClass::Unicode) {
        if (!check_unicode_escape()) return false;
        continue;
      }
      ++pos_;
    }
    emit(begin, TokenKind::Literal, cls);
    return !next_is_quote();
  }

  // A string followed by another quote is either a syntax error or, across a
  // newline, one literal continued: the parser decides.
  bool next_is_quote() const {
    size_t p = pos_;
    while (p < s_.size() && (is_sql_space(s_[p]) || s_[p] == '-' || s_[p] == '/')) {
      if (s_[p] == '-' || s_[p] == '/') return false;  // comment or operator: be safe
      ++p;
    }
    return p < s_.size() && s_[p] == '\'';
  }

  // Escapes whose value could be NUL, a non-ASCII byte (encoding checks) or a
  // Unicode escape are left to the parser.
  bool check_backslash_escape() {
    const char e = peek(1);
    if (e == '\0' || e == 'u' || e == 'U') return false;
    if (e >= '0' && e <= '7') {
      int value = 0;
      size_t i = 1;
      for (; i <= 3 && peek(i) >= '0' && peek(i) <= '7'; ++i) value = value * 8 + (peek(i) - '0');
      if (value == 0 || value >= 0x80) return false;
      pos_ += i;
      return true;
    }
    if (e == 'x' && is_hex(peek(2))) {
      int value = hex_digit(peek(2));
      size_t i = 3;
      if (is_hex(peek(3))) {
        value = value * 16 + hex_digit(peek(3));
        i = 4;
      }
      if (value == 0 || value >= 0x80) return false;
      pos_ += i;
      return true;
    }
    pos_ += 2;
    return true;
  }

  bool check_unicode_escape() {
    if (peek(1) == '\\') {
      pos_ += 2;
      return true;
    }
    const bool wide = peek(1) == '+';
    const size_t digits = wide ? 6 : 4;
    const size_t first = wide ? 2 : 1;
    uint32_t cp = 0;
    for (size_t i = 0; i < digits; ++i) {
      const char h = peek(first + i);
      if (!is_hex(h)) return false;
      cp = cp * 16 + static_cast<uint32_t>(hex_digit(h));
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    pos_ += first + digits;
    return true;
  }

  bool lex_quoted_ident(size_t begin) {
    const size_t open = pos_++;
    while (true) {
      if (pos_ >= s_.size() || s_[pos_] == '\0') return false;
      if (s_[pos_] == '"') {
        if (peek(1) == '"') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      ++pos_;
    }
    if (pos_ - open == 2) return false;  // zero-length delimited identifier
    emit(begin, TokenKind::QuotedIdent);
    return true;
  }

  bool lex_dollar_string() {
    const size_t begin = pos_;
    size_t p = pos_ + 1;
    if (p < s_.size() && is_ident_start(s_[p])) {
      while (p < s_.size() && (is_ident_start(s_[p]) || is_digit(s_[p]))) ++p;
    }
    if (p >= s_.size() || s_[p] != '$') return false;
    const std::string_view delim = s_.substr(begin, p + 1 - begin);
    const size_t close = s_.find(delim, p + 1);
    if (close == std::string_view::npos) return false;
    if (s_.substr(p + 1, close - p - 1).find('\0') != std::string_view::npos) return false;
    pos_ = close + delim.size();
    emit(begin, TokenKind::Literal, LiteralClass::Dollar);
    return true;
  }

  bool lex_punct_or_operator(unsigned char c) {
    const size_t begin = pos_;
    if (c == '.' || c == ':') {
      const char c1 = peek(1);
      pos_ += (c == '.' && c1 == '.') || (c == ':' && (c1 == ':' || c1 == '=')) ? 2 : 1;
      emit(begin, TokenKind::Punct);
      return true;
    }
    if (c == ',' || c == '(' || c == ')' || c == '[' || c == ']') {
      if (c == '(') ++paren_depth_;
      if (c == ')') --paren_depth_;
      ++pos_;
      emit(begin, TokenKind::Punct);
      return true;
    }
    if (!is_op_char(static_cast<char>(c))) return false;
    size_t n = 0;
    while (pos_ + n < s_.size() && is_op_char(s_[pos_ + n])) {
      // A comment start ends the operator.
      if (n > 0 && ((s_[pos_ + n] == '-' && s_[pos_ + n - 1] == '-') ||
                    (s_[pos_ + n] == '*' && s_[pos_ + n - 1] == '/'))) {
        --n;
        break;
      }
      ++n;
    }
    // PostgreSQL drops trailing + and - from a multi-character operator unless
    // it contains one of ~!@#^&|`?% (so "=-5" is "=" then "-5").
    if (n > 1 && (s_[pos_ + n - 1] == '+' || s_[pos_ + n - 1] == '-')) {
      bool keep = false;
      for (size_t i = 0; i + 1 < n; ++i) keep = keep || std::strchr("~!@#^&|`?%", s_[pos_ + i]);
      if (!keep) {
        do {
          --n;
        } while (n > 1 && (s_[pos_ + n - 1] == '+' || s_[pos_ + n - 1] == '-'));
      }
    }
    pos_ += n;
    emit(begin, TokenKind::Operator);
    return true;
  }

  std::string_view s_;
  LexedQuery& out_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
};

}  // namespace

std::pair<size_t, size_t> trim_sql_space(std::string_view text, size_t begin, size_t end) {
  while (begin < end && is_sql_space(text[begin])) ++begin;
  while (end > begin && is_sql_space(text[end - 1])) --end;
  return {begin, end};
}

bool lex_sql(std::string_view sql, LexedQuery& out) {
  out.clear();
  return Lexer(sql, out).run();
}

}  // namespace pgsleuth::fingerprint
