#pragma once
// The proxy's few looks at statement text: which command a statement is
// (DROP DATABASE ...), the name DEALLOCATE names, ROLLBACK TO or plain
// ROLLBACK. Not a lexer (fingerprint/ has that, on the analysis thread): it
// reads leading words, skipping white space and comments as PostgreSQL does
// (nested block comments, -- to the end of a line), and steps from one
// statement of a Query to the next honouring quotes and dollar quotes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgsleuth::proxy {

class SqlWords {
 public:
  explicit SqlWords(std::string_view sql) : s_(sql) {}

  // Consumes the next word when it is `upper` (ASCII, any case in the text).
  bool take(std::string_view upper);
  // Consumes the next identifier as PostgreSQL folds it: unquoted ones to
  // lower case (ASCII), quoted ones as written with "" undoubled. Nullopt
  // (nothing consumed) when the next token is not an identifier.
  std::optional<std::string> identifier();
  // Moves past the next ';' outside literals and comments; false when the
  // text ends first.
  bool next_statement();
  // Skips `n` statements; false when there are fewer.
  bool skip_statements(uint32_t n);

  // Whether `upper`'s letters stand anywhere in `sql`, any case, word or
  // not, quoted or not: true whenever `upper` is one of its words, so a
  // false answer saves the careful scan of every statement of a Query.
  static bool mentions(std::string_view sql, std::string_view upper);

 private:
  void skip_space_and_comments();
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace pgsleuth::proxy
