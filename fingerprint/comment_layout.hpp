#pragma once
// Where a text's comments are and where its code starts and ends: what
// sqlcommenter reads, and what normalized text leaves out ("the comments
// before and after it"). Comes from the fast lexer's pass when there was
// one; otherwise from the lexer, then libpg_query's scanner, on the text
// alone. Both follow PostgreSQL's rules (nested block comments, -- to the
// end of a line, nothing inside literals or quoted identifiers).

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::fingerprint {

struct CommentLayout {
  std::vector<CommentSpan> comments;  // offsets into the text, in order
  size_t code_begin = 0;              // first token that is neither comment nor ';'
  size_t code_end = 0;                // end of the last one; equal: no code at all
  bool has_code() const { return code_begin < code_end; }
  // A comment with only white space, ';' and other comments on one side.
  bool at_edge(const CommentSpan& c) const { return !has_code() || c.end <= code_begin || c.begin >= code_end; }
};

// Scans `text` itself. A text neither scanner can read (an unterminated
// literal or comment, a NUL byte) has no comments and all of it but its
// outer white space is code.
CommentLayout comment_layout(std::string_view text);

// The layout of [begin, end) of a query the lexer has read, from the
// query's comments and the tokens of that range, offsets made relative to
// `begin`.
CommentLayout comment_layout(std::span<const CommentSpan> comments, std::span<const Token> tokens,
                             size_t begin, size_t end);

}  // namespace pgsleuth::fingerprint
