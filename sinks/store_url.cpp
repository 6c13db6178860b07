#include "sinks/store_url.hpp"

#include <libpq-fe.h>

#include <memory>
#include <vector>

#include "common/one_line.hpp"

namespace pgsleuth::sinks {
namespace {

constexpr std::string_view kMask = "***";

size_t scheme_end(std::string_view url) {
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.starts_with(scheme)) return scheme.size();
  }
  return std::string_view::npos;
}

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// Where the passwords sit in `url`: after "user:" before '@', and each
// password= parameter's value.
std::vector<Span> password_spans(std::string_view url) {
  std::vector<Span> out;
  const size_t start = scheme_end(url);
  if (start == std::string_view::npos) return out;
  const size_t authority_end = std::min(url.find_first_of("/?", start), url.size());
  const size_t at = url.rfind('@', authority_end);
  if (at != std::string_view::npos && at >= start) {
    const size_t colon = url.find(':', start);
    if (colon < at) out.push_back({colon + 1, at});
  }
  const size_t query = url.find('?', start);
  for (size_t p = query; p != std::string_view::npos && p < url.size();) {
    const size_t key = p + 1;
    const size_t next = std::min(url.find('&', key), url.size());
    if (url.substr(key, 9) == "password=") out.push_back({key + 9, next});
    p = next < url.size() ? next : std::string_view::npos;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void replace_all(std::string& text, const std::string& needle) {
  if (needle.empty()) return;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + kMask.size())) {
    text.replace(p, needle.size(), kMask);
  }
}

}  // namespace

bool is_store_url(std::string_view destination) { return scheme_end(destination) != std::string_view::npos; }

std::string redacted_url(std::string_view url) {
  std::string out(url);
  const auto spans = password_spans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {  // back to front: earlier offsets stay valid
    if (it->end > it->begin) out.replace(it->begin, it->end - it->begin, kMask);
  }
  return out;
}

std::string without_password(std::string text, std::string_view url) {
  for (const Span& s : password_spans(url)) {
    const std::string_view raw = url.substr(s.begin, s.end - s.begin);
    replace_all(text, std::string(raw));
    replace_all(text, percent_decoded(raw));
  }
  return text;
}

std::string store_url_error(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return "";
  }
  std::string why = error != nullptr ? error : "out of memory";
  PQfreemem(error);
  return common::one_line(without_password(why, url));
}

}  // namespace pgsleuth::sinks
