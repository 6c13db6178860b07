#include "findings/valid_utf8.hpp"

#include <boost/json.hpp>

namespace pgsleuth::findings {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0.
size_t sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; }
  else return 0;
  if (i + len > text.size()) return 0;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_valid(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = sequence_length(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t len = sequence_length(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

void make_valid_utf8(boost::json::value& value) {
  if (auto* s = value.if_string()) {
    if (!is_valid(*s)) *s = valid_utf8(*s);
  } else if (auto* a = value.if_array()) {
    for (auto& v : *a) make_valid_utf8(v);
  } else if (auto* o = value.if_object()) {
    bool bad_key = false;
    for (auto& kv : *o) {
      make_valid_utf8(kv.value());
      bad_key = bad_key || !is_valid(kv.key());
    }
    if (bad_key) {
      boost::json::object fixed;
      for (auto& kv : *o) fixed[valid_utf8(kv.key())] = std::move(kv.value());
      *o = std::move(fixed);
    }
  }
}

}  // namespace pgsleuth::findings
