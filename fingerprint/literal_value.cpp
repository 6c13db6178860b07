#include "fingerprint/literal_value.hpp"

namespace pgsleuth::fingerprint {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads up to `max` digits of `base` at body[i]; advances i.
uint32_t read_digits(std::string_view body, size_t& i, size_t max, int base) {
  uint32_t value = 0;
  for (size_t n = 0; n < max && i < body.size(); ++n, ++i) {
    const int d = hex_digit(body[i]);
    if (d < 0 || d >= base) break;
    value = value * static_cast<uint32_t>(base) + static_cast<uint32_t>(d);
  }
  return value;
}

char simple_escape(char c) {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c;
  }
}

// Body of an E'' string (between the quotes).
std::string unescape_backslashes(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (c == '\'' ) {  // '' inside the literal
      out += '\'';
      i += 2;
    } else if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      ++i;
    } else if (body[i + 1] >= '0' && body[i + 1] <= '7') {
      ++i;
      out += static_cast<char>(read_digits(body, i, 3, 8));
    } else if (body[i + 1] == 'x' && i + 2 < body.size() && hex_digit(body[i + 2]) >= 0) {
      i += 2;
      out += static_cast<char>(read_digits(body, i, 2, 16));
    } else {
      out += simple_escape(body[i + 1]);
      i += 2;
    }
  }
  return out;
}

// Body of a U&'' string with the default escape character.
std::string unescape_unicode(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (c == '\'') {
      out += '\'';
      i += 2;
    } else if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      ++i;
    } else if (body[i + 1] == '\\') {
      out += '\\';
      i += 2;
    } else {
      const bool wide = body[i + 1] == '+';
      i += wide ? 2 : 1;
      append_utf8(out, read_digits(body, i, wide ? 6 : 4, 16));
    }
  }
  return out;
}

std::string undouble_quotes(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    out += body[i];
    if (body[i] == '\'') ++i;  // '' -> '
  }
  return out;
}

}  // namespace

std::string bit_string_value(bool hex, std::string_view digits) {
  if (!hex) return std::string(digits);
  std::string bits;
  bits.reserve(digits.size() * 4);
  for (const char c : digits) {
    const int d = hex_digit(c);
    if (d < 0) return std::string(digits);
    for (int b = 3; b >= 0; --b) bits += ((d >> b) & 1) ? '1' : '0';
  }
  return bits;
}

std::string literal_value(std::string_view text, LiteralClass cls) {
  switch (cls) {
    case LiteralClass::Integer:
    case LiteralClass::Float:
      return std::string(text);
    case LiteralClass::String:
    case LiteralClass::National:
      return undouble_quotes(text.substr(1, text.size() - 2));
    case LiteralClass::Escape:
      return unescape_backslashes(text.substr(2, text.size() - 3));
    case LiteralClass::Unicode:
      return unescape_unicode(text.substr(3, text.size() - 4));
    case LiteralClass::Bits:
    case LiteralClass::Hex:
      return bit_string_value(cls == LiteralClass::Hex, text.substr(2, text.size() - 3));
    case LiteralClass::Dollar: {
      const size_t tag = text.find('$', 1) + 1;
      return std::string(text.substr(tag, text.size() - 2 * tag));
    }
    case LiteralClass::None:
      break;
  }
  return std::string(text);
}

}  // namespace pgsleuth::fingerprint
