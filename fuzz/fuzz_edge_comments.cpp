// Cutting the comments around a statement: the result is a piece of the
// text, empty only when the text is all whitespace, and cutting again
// changes nothing.

#include <cctype>
#include <string>

#include "fingerprint/edge_comments.hpp"
#include "fingerprint/sql_lexer.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgsleuth::fingerprint;
  const std::string_view text = pgsleuth::fuzz::as_text(data, size);
  const std::string_view t = trim_edge_comments(text);
  FUZZ_CHECK(pgsleuth::fuzz::within(t, text));
  bool all_space = true;
  // PostgreSQL 15's white space (no \v): what the scanners skip.
  for (char c : text) all_space = all_space && is_sql_space(c);
  FUZZ_CHECK(t.empty() == all_space);
  FUZZ_CHECK(trim_edge_comments(t) == t);
  std::string copy(text);
  trim_edge_comments_in_place(copy);
  FUZZ_CHECK(copy == t);
  return 0;
}
