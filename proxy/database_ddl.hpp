#pragma once
// Statements that the server refuses while other sessions are connected to
// the database they name (DROP DATABASE, CREATE DATABASE ... TEMPLATE, ALTER
// DATABASE ... RENAME). An idle pooled server connection counts as such a
// session, so the proxy closes its idle ones when it sees one go by; the
// server waits up to 5 s for other sessions to leave, which is ample.

#include <cctype>
#include <string_view>

namespace pgsleuth::proxy {

namespace database_ddl_detail {

inline std::string_view skip_space_and_comments(std::string_view s) {
  for (;;) {
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    s.remove_prefix(i);
    if (s.starts_with("--")) {
      size_t eol = s.find('\n');
      s.remove_prefix(eol == std::string_view::npos ? s.size() : eol);
    } else if (s.starts_with("/*")) {
      size_t end = s.find("*/");  // nested comments are rare enough here
      s.remove_prefix(end == std::string_view::npos ? s.size() : end + 2);
    } else {
      return s;
    }
  }
}

// Consumes `word` (case-insensitive) when it is the next whole word.
inline bool take_word(std::string_view& s, std::string_view word) {
  s = skip_space_and_comments(s);
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  if (s.size() > word.size() && (std::isalnum(static_cast<unsigned char>(s[word.size()])) || s[word.size()] == '_')) {
    return false;
  }
  s.remove_prefix(word.size());
  return true;
}

}  // namespace database_ddl_detail

inline bool is_database_ddl(std::string_view sql) {
  using namespace database_ddl_detail;
  return (take_word(sql, "DROP") || take_word(sql, "CREATE") || take_word(sql, "ALTER")) &&
         take_word(sql, "DATABASE");
}

// Any statement of a simple-protocol Query (several may be sent in one).
// A ';' inside a string literal may start a false match, which only costs
// closing idle connections early.
inline bool has_database_ddl(std::string_view sql) {
  for (;;) {
    if (is_database_ddl(sql)) return true;
    size_t semicolon = sql.find(';');
    if (semicolon == std::string_view::npos) return false;
    sql.remove_prefix(semicolon + 1);
  }
}

}  // namespace pgsleuth::proxy
