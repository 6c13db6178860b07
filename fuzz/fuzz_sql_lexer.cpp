// The fast path's lexer: whatever it accepts, its tokens and statements are
// ordered, non-overlapping ranges of the text, each statement holding its own
// tokens and trimmed of SQL whitespace.

#include "fingerprint/sql_lexer.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace pgsleuth::fingerprint;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql = pgsleuth::fuzz::as_text(data, size);
  static LexedQuery lexed;  // reused, as the fingerprinter reuses it
  if (!lex_sql(sql, lexed)) return 0;
  uint32_t last_end = 0;
  for (const Token& t : lexed.tokens) {
    FUZZ_CHECK(t.begin >= last_end && t.begin < t.end && t.end <= sql.size());
    FUZZ_CHECK((t.kind == TokenKind::Literal) == (t.literal != LiteralClass::None));
    last_end = t.end;
  }
  uint32_t next_token = 0;
  last_end = 0;
  for (const LexedStatement& s : lexed.statements) {
    FUZZ_CHECK(s.begin >= last_end && s.begin < s.end && s.end <= sql.size());
    FUZZ_CHECK(!is_sql_space(sql[s.begin]) && !is_sql_space(sql[s.end - 1]));
    FUZZ_CHECK(s.token_count > 0 && s.first_token >= next_token);
    FUZZ_CHECK(s.first_token + s.token_count <= lexed.tokens.size());
    FUZZ_CHECK(lexed.tokens[s.first_token].begin >= s.begin);
    FUZZ_CHECK(lexed.tokens[s.first_token + s.token_count - 1].end <= s.end);
    next_token = s.first_token + s.token_count;
    last_end = s.end;
  }
  const auto [b, e] = trim_sql_space(sql, 0, sql.size());
  FUZZ_CHECK(b <= e && e <= sql.size());
  return 0;
}
