#include "fingerprint/comment_layout.hpp"

#include <string>
#include <tuple>

#include "fingerprint/pg_scan.hpp"

namespace pgsleuth::fingerprint {
namespace {

constexpr int32_t kSemicolon = ';';  // single-character tokens are their character

CommentLayout from_pg_scanner(std::string_view text) {
  CommentLayout out;
  std::vector<PgToken> tokens;
  if (text.find('\0') != std::string_view::npos || !pg_scan_tokens(std::string(text), tokens)) {
    std::tie(out.code_begin, out.code_end) = trim_sql_space(text, 0, text.size());
    return out;
  }
  bool code = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const PgToken& t = tokens[i];
    const bool comment = t.type == pg_token::kSqlComment || t.type == pg_token::kCComment;
    if (comment) {
      out.comments.push_back(CommentSpan{static_cast<uint32_t>(t.start), static_cast<uint32_t>(t.end),
                                         t.type == pg_token::kCComment});
    } else if (t.type != kSemicolon) {
      if (!code) out.code_begin = static_cast<size_t>(t.start);
      code = true;
      // libpg_query's end of a literal is not to be trusted (U&'...' ends
      // where it starts); only white space lies between tokens.
      const size_t next = i + 1 < tokens.size() ? static_cast<size_t>(tokens[i + 1].start) : text.size();
      out.code_end = trim_sql_space(text, static_cast<size_t>(t.start), next).second;
    }
  }
  return out;
}

}  // namespace

CommentLayout comment_layout(std::string_view text) {
  LexedQuery lexed;
  if (!lex_sql(text, lexed)) return from_pg_scanner(text);
  return comment_layout(lexed.comments, lexed.tokens, 0, text.size());
}

CommentLayout comment_layout(std::span<const CommentSpan> comments, std::span<const Token> tokens,
                             size_t begin, size_t end) {
  CommentLayout out;
  for (const auto& c : comments) {
    if (c.begin >= begin && c.end <= end) {
      out.comments.push_back(CommentSpan{static_cast<uint32_t>(c.begin - begin),
                                         static_cast<uint32_t>(c.end - begin), c.block});
    }
  }
  if (!tokens.empty()) {
    out.code_begin = text_begin(tokens.front()) - begin;
    out.code_end = tokens.back().end - begin;
  }
  return out;
}

}  // namespace pgsleuth::fingerprint
