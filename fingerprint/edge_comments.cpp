#include "fingerprint/edge_comments.hpp"

#include "fingerprint/comment_layout.hpp"

namespace pgsleuth::fingerprint {

std::string_view trim_edge_comments(std::string_view text) {
  const CommentLayout layout = comment_layout(text);
  if (layout.has_code()) return text.substr(layout.code_begin, layout.code_end - layout.code_begin);
  const auto [b, e] = trim_sql_space(text, 0, text.size());
  return text.substr(b, e - b);
}

}  // namespace pgsleuth::fingerprint
