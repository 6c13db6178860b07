#pragma once
// The value of a SQL literal as the server would return it in text format:
// strings unquoted and unescaped, numbers as written, bit strings as bits.

#include <string>
#include <string_view>

#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::fingerprint {

// `token_text` is the literal exactly as lexed by lex_sql (so it is well formed).
std::string literal_value(std::string_view token_text, LiteralClass cls);

// B'0101' -> "0101"; X'1F' -> "00011111" (bit(n) text output). `digits` is the
// text between the quotes; hex digits that are not hex are returned unchanged.
std::string bit_string_value(bool hex, std::string_view digits);

}  // namespace pgsleuth::fingerprint
