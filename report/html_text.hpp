#pragma once
// Text from a findings file put into the HTML report: escaped always, and
// the backtick spans the suggestions use (`= ANY($1)`) shown as code.

#include <string>
#include <string_view>

namespace pgsleuth::report {

inline std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Escaped, each `...` span as <code>...</code>; a backtick without its
// closing one stays a backtick.
inline std::string esc_with_code(std::string_view text) {
  std::string out;
  for (;;) {
    const size_t open = text.find('`');
    const size_t close = open == std::string_view::npos ? open : text.find('`', open + 1);
    if (close == std::string_view::npos) return out + esc(text);
    out += esc(text.substr(0, open));
    out += "<code>" + esc(text.substr(open + 1, close - open - 1)) + "</code>";
    text.remove_prefix(close + 1);
  }
}

}  // namespace pgsleuth::report
