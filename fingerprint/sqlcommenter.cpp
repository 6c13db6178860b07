#include "fingerprint/sqlcommenter.hpp"

#include <algorithm>
#include <cctype>

namespace pgsleuth::fingerprint {
namespace {

std::optional<std::string> url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// key='value',key2='value2' -> pairs; nullopt when malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_tags(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> tags;
  std::string_view rest = trim(body);
  if (rest.empty()) return std::nullopt;
  while (!rest.empty()) {
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '\'') return std::nullopt;
    const std::string_view raw_key = trim(rest.substr(0, eq));
    std::string raw_value;
    size_t i = eq + 2;
    for (; i < rest.size() && rest[i] != '\''; ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;  // \' inside a value
      raw_value += rest[i];
    }
    if (i >= rest.size() || raw_key.empty()) return std::nullopt;
    auto key = url_decode(raw_key);
    auto value = url_decode(raw_value);
    if (!key || !value) return std::nullopt;
    tags.emplace_back(std::move(*key), std::move(*value));
    rest = trim(rest.substr(i + 1));
    if (rest.empty()) break;
    if (rest.front() != ',') return std::nullopt;
    rest = trim(rest.substr(1));
    if (rest.empty()) return std::nullopt;  // trailing comma
  }
  return tags;
}

bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return hex_digit(c) >= 0; });
}

std::optional<TraceParent> parse_traceparent(std::string_view v) {
  std::string lower(trim(v));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // version(2)-trace_id(32)-span_id(16)-flags(2)
  if (lower.size() != 55 || lower[2] != '-' || lower[35] != '-' || lower[52] != '-') return std::nullopt;
  TraceParent tp{lower.substr(0, 2), lower.substr(3, 32), lower.substr(36, 16), lower.substr(53, 2)};
  for (const auto* part : {&tp.version, &tp.trace_id, &tp.span_id, &tp.flags}) {
    if (!all_hex(*part)) return std::nullopt;
  }
  if (tp.version == "ff" || tp.trace_id == std::string(32, '0') || tp.span_id == std::string(16, '0')) {
    return std::nullopt;
  }
  return tp;
}

// pgsleuth:ignore or pgsleuth:ignore=kind,kind
void read_markers(std::string_view body, SqlComment& out) {
  constexpr std::string_view marker = "pgsleuth:ignore";
  for (size_t at = body.find(marker); at != std::string_view::npos; at = body.find(marker, at + 1)) {
    size_t i = at + marker.size();
    if (i >= body.size() || body[i] != '=') {
      out.ignore_all = true;
      continue;
    }
    std::string kind;
    for (++i; i <= body.size(); ++i) {
      const char c = i < body.size() ? body[i] : ',';
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        kind += c;
      } else if (c == ',' && !kind.empty()) {
        out.ignore_kinds.push_back(std::move(kind));
        kind.clear();
      } else if (c != ' ' || !kind.empty()) {
        if (!kind.empty()) out.ignore_kinds.push_back(std::move(kind));
        break;
      }
    }
  }
}

}  // namespace

std::optional<std::string_view> SqlComment::get(std::string_view key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> SqlComment::route() const {
  if (auto r = get("route")) return std::string(*r);
  const auto controller = get("controller");
  const auto action = get("action");
  if (controller && action) return std::string(*controller) + "#" + std::string(*action);
  if (controller) return std::string(*controller);
  if (action) return std::string(*action);
  return std::nullopt;
}

SqlComment sql_comment_from(std::string_view text, const CommentLayout& layout) {
  SqlComment out;
  for (const auto& c : layout.comments) {
    // Without its delimiters: /* */, or -- (a line comment runs to its end).
    const std::string_view body = c.block ? text.substr(c.begin + 2, c.end - c.begin - 4)
                                          : text.substr(c.begin + 2, c.end - c.begin - 2);
    read_markers(body, out);
    if (!c.block || !layout.at_edge(c) || body.find("pgsleuth:") != std::string_view::npos) continue;
    auto tags = parse_tags(body);
    if (!tags) continue;
    for (auto& tag : *tags) {
      if (tag.first == "traceparent" && !out.traceparent) out.traceparent = parse_traceparent(tag.second);
      out.tags.push_back(std::move(tag));
    }
  }
  return out;
}

SqlComment parse_sql_comment(std::string_view sql) { return sql_comment_from(sql, comment_layout(sql)); }

}  // namespace pgsleuth::fingerprint
