#pragma once
// Statements that the server refuses while other sessions are connected to
// the database they name (DROP DATABASE, CREATE DATABASE ... TEMPLATE, ALTER
// DATABASE ... RENAME). An idle pooled server connection counts as such a
// session, so the proxy closes its idle ones when it sees one go by; the
// server waits up to 5 s for other sessions to leave, which is ample.

#include <string_view>

#include "proxy/sql_words.hpp"

namespace pgsleuth::proxy {

// The leading words of one statement name such a command.
inline bool starts_database_ddl(SqlWords words) {
  return (words.take("DROP") || words.take("CREATE") || words.take("ALTER")) && words.take("DATABASE");
}

inline bool is_database_ddl(std::string_view sql) { return starts_database_ddl(SqlWords(sql)); }

// Any statement of a simple-protocol Query (several may be sent in one).
// Asked of every Query on the I/O thread: texts that never say DATABASE,
// nearly all of them, are answered without stepping through statements.
inline bool has_database_ddl(std::string_view sql) {
  if (!SqlWords::mentions(sql, "DATABASE")) return false;
  SqlWords statement(sql);
  do {
    if (starts_database_ddl(statement)) return true;
  } while (statement.next_statement());
  return false;
}

}  // namespace pgsleuth::proxy
