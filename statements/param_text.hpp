#pragma once
// A bound parameter as findings show it: text as is, binary as PostgreSQL
// prints its type (binary_param.hpp), else as \x hex.

#include <string>

#include "events/statement_event.hpp"
#include "statements/binary_param.hpp"

namespace pgsleuth::statements {

inline std::string param_text(const events::BoundParam& p) {
  if (!p.binary) return p.value;
  if (auto text = binary_param_text(p.type_oid, p.value)) return std::move(*text);
  static const char* digits = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + p.value.size() * 2);
  for (unsigned char c : p.value) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace pgsleuth::statements
