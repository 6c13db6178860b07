#pragma once
// Error lines echo what a person or a file gave us (a flag, a config key, a
// file name). Whatever that holds, the line stays one line: control
// characters are written as \xNN.

#include <cstdio>
#include <string>
#include <string_view>

namespace pgsleuth::common {

inline std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace pgsleuth::common
