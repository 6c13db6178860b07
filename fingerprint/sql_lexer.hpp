#pragma once
// A hand-written lexer that reproduces PostgreSQL 15's token boundaries for
// the common subset of SQL. It is the fast path's only view of the text: when
// it meets anything it cannot reproduce exactly it says so (returns false) and
// the caller falls back to libpg_query.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::fingerprint {

enum class TokenKind : uint8_t { Word, QuotedIdent, Param, Operator, Punct, Literal };

// Lexical class of a literal; part of the cache key because PostgreSQL's
// grammar sees these as different tokens (ICONST vs FCONST, SCONST vs BCONST).
enum class LiteralClass : char {
  None = 0,
  String = 's',    // '...'
  Escape = 'e',    // E'...'
  Unicode = 'u',   // U&'...'
  National = 'n',  // N'...' (the token starts at the quote, as in PostgreSQL)
  Dollar = 'd',    // $tag$...$tag$
  Bits = 'b',      // B'...'
  Hex = 'x',       // X'...'
  Integer = 'i',   // fits int32: ICONST
  Float = 'f',     // decimal, exponent, or integer too large for int32: FCONST
};

struct Token {
  uint32_t begin = 0;  // byte offsets into the lexed text
  uint32_t end = 0;
  TokenKind kind = TokenKind::Word;
  LiteralClass literal = LiteralClass::None;
};

// Where the token's text starts. An N'...' token starts at its quote (the
// grammar sees NCHAR, then a string), but the N is still part of the text.
inline uint32_t text_begin(const Token& t) {
  return t.literal == LiteralClass::National ? t.begin - 1 : t.begin;
}

// One statement of a (possibly multi-statement) query string: its text with
// surrounding whitespace trimmed, and its tokens (comments are not tokens).
struct LexedStatement {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t first_token = 0;
  uint32_t token_count = 0;
};

// A comment, delimiters included: `--` to the end of its line, or a
// (possibly nested) block comment.
struct CommentSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool block = false;
};

struct LexedQuery {
  std::vector<Token> tokens;
  std::vector<LexedStatement> statements;
  std::vector<CommentSpan> comments;  // all of them, in order
  void clear() {
    tokens.clear();
    statements.clear();
    comments.clear();
  }
};

// Lexes `sql` into `out` (buffers are reused). Returns false when the text holds
// something this lexer does not reproduce exactly (unterminated literal,
// UESCAPE, trailing junk after a number, escapes it does not decode, BEGIN
// ATOMIC bodies, ';' inside parentheses, a NUL byte, over-long input...).
bool lex_sql(std::string_view sql, LexedQuery& out);

// The value of a hex digit (either case), or -1.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

// Whitespace as PostgreSQL 15's scanner defines it.
inline bool is_sql_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// `text` without leading and trailing SQL whitespace, as offsets.
std::pair<size_t, size_t> trim_sql_space(std::string_view text, size_t begin, size_t end);

}  // namespace pgsleuth::fingerprint
