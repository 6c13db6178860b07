#pragma once
// A bound parameter as findings show it: text as is, binary as \x hex.

#include <string>

#include "events/statement_event.hpp"

namespace pgsleuth::statements {

inline std::string param_text(const events::BoundParam& p) {
  if (!p.binary) return p.value;
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
