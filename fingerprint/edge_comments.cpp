#include "fingerprint/edge_comments.hpp"

#include <cctype>

namespace pgsleuth::fingerprint {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim_space(std::string_view t) {
  while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  return t;
}

// Length of the (possibly nested) block comment opening at t[0], or 0.
size_t leading_block_comment(std::string_view t) {
  if (t.size() < 4 || t[0] != '/' || t[1] != '*') return 0;
  int depth = 0;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] == '/' && t[i + 1] == '*') {
      ++depth;
      ++i;
    } else if (t[i] == '*' && t[i + 1] == '/') {
      ++i;
      if (--depth == 0) return i + 1;
    }
  }
  return 0;  // unterminated: leave it
}

// Length of the (possibly nested) block comment closing at t's end, or 0.
size_t trailing_block_comment(std::string_view t) {
  size_t n = t.size();
  if (n < 4 || t[n - 1] != '/' || t[n - 2] != '*') return 0;
  int depth = 0;
  for (size_t i = n; i >= 2; --i) {
    if (t[i - 2] == '*' && t[i - 1] == '/') {
      ++depth;
      --i;
    } else if (t[i - 2] == '/' && t[i - 1] == '*') {
      --i;
      if (--depth == 0) return n - (i - 1);
    }
  }
  return 0;
}

}  // namespace

std::string_view trim_edge_comments(std::string_view text) {
  std::string_view t = trim_space(text);
  // Once nothing comes off the front, cutting from the back cannot change
  // that, so the front is not looked at again: an unterminated leading
  // comment is scanned to the end once, not once per trailing comment.
  bool front_done = false;
  while (true) {
    if (!front_done) {
      if (size_t n = leading_block_comment(t)) {
        t = trim_space(t.substr(n));
        continue;
      }
      if (t.size() >= 2 && t[0] == '-' && t[1] == '-') {
        size_t nl = t.find('\n');
        if (nl == std::string_view::npos) break;  // all comment: keep as is
        t = trim_space(t.substr(nl + 1));
        continue;
      }
      front_done = true;
    }
    size_t n = trailing_block_comment(t);
    if (n == 0) break;
    t = trim_space(t.substr(0, t.size() - n));
  }
  return t.empty() ? trim_space(text) : t;
}

}  // namespace pgsleuth::fingerprint
