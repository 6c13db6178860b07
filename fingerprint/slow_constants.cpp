#include "fingerprint/slow_constants.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>

#include "fingerprint/literal_value.hpp"

namespace pgsleuth::fingerprint {
namespace json = boost::json;
namespace {

int32_t location_of(const json::object& f) {
  const auto* loc = f.if_contains("location");
  return loc && loc->is_int64() ? static_cast<int32_t>(loc->as_int64()) : -1;
}

std::optional<std::string> a_const_value(const json::object& f) {
  if (const auto* s = f.if_contains("sval"); s && s->is_object()) {
    const auto* v = s->as_object().if_contains("sval");
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
  if (const auto* b = f.if_contains("boolval"); b && b->is_object()) {
    return std::string(b->as_object().contains("boolval") ? "true" : "false");
  }
  if (const auto* b = f.if_contains("bsval"); b && b->is_object()) {
    const auto* v = b->as_object().if_contains("bsval");
    const std::string_view bits = v && v->is_string() ? std::string_view(v->as_string()) : "";
    if (!bits.empty()) return bit_string_value(bits[0] == 'x', bits.substr(1));
  }
  return std::nullopt;  // ival, fval, isnull: the text as written
}

void collect(const json::value& v, std::string_view text, ConstantValues& out) {
  if (v.is_array()) {
    for (const auto& item : v.as_array()) collect(item, text, out);
    return;
  }
  if (!v.is_object()) return;
  for (const auto& [key, member] : v.as_object()) {
    if (key == "A_Const" && member.is_object()) {
      out.emplace(location_of(member.as_object()), a_const_value(member.as_object()));
      continue;
    }
    if (key == "DefElem" && member.is_object()) {
      // pg_query_normalize replaces a DefElem's string argument at the first
      // quote after the option's location.
      const auto& f = member.as_object();
      const auto* arg = f.if_contains("arg");
      const auto* str = arg && arg->is_object() ? arg->as_object().if_contains("String") : nullptr;
      const int32_t loc = location_of(f);
      if (str && str->is_object() && loc >= 0) {
        const size_t quote = text.find('\'', static_cast<size_t>(loc));
        const auto* sval = str->as_object().if_contains("sval");
        if (quote != std::string_view::npos) {
          out.emplace(static_cast<int32_t>(quote),
                      sval && sval->is_string() ? std::string(sval->as_string()) : std::string());
        }
      }
    }
    collect(member, text, out);
  }
}

std::string_view token_text(std::string_view text, const PgToken& t) {
  return text.substr(static_cast<size_t>(t.start), static_cast<size_t>(t.end - t.start));
}

// The token index starting at `location`, or tokens.size().
size_t token_at(const std::vector<PgToken>& tokens, int32_t location) {
  const auto it = std::lower_bound(tokens.begin(), tokens.end(), location,
                                   [](const PgToken& t, int32_t loc) { return t.start < loc; });
  return it != tokens.end() && it->start == location ? static_cast<size_t>(it - tokens.begin())
                                                     : tokens.size();
}

// "$123" at normalized[j], or empty.
std::string_view param_at(std::string_view normalized, size_t j) {
  if (j >= normalized.size() || normalized[j] != '$') return {};
  size_t e = j + 1;
  while (e < normalized.size() && std::isdigit(static_cast<unsigned char>(normalized[e]))) ++e;
  return e > j + 1 ? normalized.substr(j, e - j) : std::string_view();
}

// A constant written in the text: a number with its unary minus, NULL, ALL...
std::string as_written(std::string_view text, const std::vector<PgToken>& tokens, size_t k) {
  if (k >= tokens.size()) return std::string();
  if (token_text(text, tokens[k]) == "-" && k + 1 < tokens.size()) {
    return std::string(1, '-').append(token_text(text, tokens[k + 1]));
  }
  return std::string(token_text(text, tokens[k]));
}

std::string value_at(const ConstantValues& values, std::string_view text,
                     const std::vector<PgToken>& tokens, int32_t location) {
  const auto it = values.find(location);
  if (it != values.end() && it->second) return *it->second;
  return as_written(text, tokens, token_at(tokens, location));
}

}  // namespace

ConstantValues constant_values(const json::value& stmt, std::string_view text) {
  ConstantValues out;
  collect(stmt, text, out);
  out.erase(-1);
  return out;
}

uint32_t highest_param(std::string_view text, const std::vector<PgToken>& tokens) {
  uint32_t highest = 0;
  for (const auto& t : tokens) {
    if (t.type != pg_token::kParam) continue;
    const auto digits = token_text(text, t).substr(1);
    uint32_t n = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), n);
    highest = std::max(highest, n);
  }
  return highest;
}

bool align_normalized(std::string_view text, std::string_view normalized,
                      const std::vector<PgToken>& tokens, uint32_t first_number,
                      std::vector<ConstantSpan>& spans) {
  spans.clear();
  size_t i = 0, j = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const auto start = static_cast<size_t>(tokens[k].start);
    const std::string_view gap = text.substr(i, start - i);
    if (normalized.substr(j, gap.size()) != gap) return false;
    j += gap.size();
    const std::string_view tok = token_text(text, tokens[k]);
    const std::string_view param = param_at(normalized, j);
    uint32_t number = 0;
    if (!param.empty()) std::from_chars(param.data() + 1, param.data() + param.size(), number);
    // A $n that is not this token's own text: normalize put it there.
    if (!param.empty() && param != tok && number >= first_number) {
      // A negative number is the one constant spanning two tokens.
      if (tok == "-" && k + 1 < tokens.size()) ++k;
      spans.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(tokens[k].end), number});
      j += param.size();
    } else {
      if (normalized.substr(j, tok.size()) != tok) return false;
      j += tok.size();
    }
    i = static_cast<size_t>(tokens[k].end);
  }
  if (normalized.substr(j) != text.substr(i)) return false;
  // Every number from first_number on, each once.
  std::vector<bool> seen(spans.size(), false);
  for (const auto& s : spans) {
    const uint32_t idx = s.number - first_number;
    if (idx >= seen.size() || seen[idx]) return false;
    seen[idx] = true;
  }
  return true;
}

std::vector<std::string> values_at_spans(const ConstantValues& values, std::string_view text,
                                         const std::vector<PgToken>& tokens,
                                         const std::vector<ConstantSpan>& spans) {
  std::vector<std::string> out(spans.size());
  const uint32_t first = spans.empty() ? 0 : std::min_element(spans.begin(), spans.end(), [](auto& a, auto& b) {
    return a.number < b.number;
  })->number;
  for (const auto& span : spans) {
    out[span.number - first] = value_at(values, text, tokens, static_cast<int32_t>(span.begin));
  }
  return out;
}

std::vector<std::string> values_in_order(const ConstantValues& values, std::string_view text,
                                         const std::vector<PgToken>& tokens) {
  std::vector<std::string> out;
  for (const auto& [location, value] : values) {
    out.push_back(value ? *value : as_written(text, tokens, token_at(tokens, location)));
  }
  return out;
}

}  // namespace pgsleuth::fingerprint
