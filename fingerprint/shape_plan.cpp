#include "fingerprint/shape_plan.hpp"

#include <fmt/format.h>

#include "fingerprint/literal_value.hpp"

namespace pgsleuth::fingerprint {
namespace {

void append_varint(std::string& key, uint64_t n) {
  while (n >= 0x80) {
    key += static_cast<char>(0x80 | (n & 0x7F));
    n >>= 7;
  }
  key += static_cast<char>(n);
}

bool is_number(LiteralClass c) { return c == LiteralClass::Integer || c == LiteralClass::Float; }

}  // namespace

void build_shape_key(const StatementTokens& st, std::string& key) {
  key.clear();
  key += '1';  // level: shape key (a value key starts with '2')
  for (uint32_t i = 0; i < st.tokens.size(); ++i) {
    const Token& t = st.tokens[i];
    if (t.kind == TokenKind::Literal) {
      key += '\0';
      key += static_cast<char>(t.literal);
    } else {
      const auto text = st.token_text(i);
      append_varint(key, text.size() + 1);
      key.append(text);
    }
  }
}

void append_value_key(const StatementTokens& st, const std::vector<uint32_t>& literals,
                      std::string& key) {
  key[0] = '2';
  for (const uint32_t i : literals) {
    const auto text = st.token_text(i);
    append_varint(key, text.size());
    key.append(text);
  }
}

std::string render_normalized(const StatementTokens& st, const ShapeEntry& entry) {
  std::string out;
  if (st.tokens.empty()) return out;
  // From the first token to the last: the comments before and after the
  // statement are left out by construction.
  size_t copied = st.tokens.front().begin - st.base;
  const size_t end = st.tokens.back().end - st.base;
  out.reserve(end - copied + 4 * entry.slots.size());
  for (const auto& slot : entry.slots) {
    const size_t begin = st.tokens[slot.first_token].begin - st.base;
    out.append(st.text, copied, begin - copied);
    out += '$';
    fmt::format_to(std::back_inserter(out), "{}", slot.number);
    copied = st.tokens[slot.last_token].end - st.base;
  }
  out.append(st.text, copied, end - copied);
  return out;
}

std::vector<std::string> render_constants(const StatementTokens& st, const ShapeEntry& entry) {
  std::vector<std::string> out(entry.slots.size());
  for (const auto& slot : entry.slots) {
    std::string& value = out[slot.number - entry.first_number];  // slots cover each $n once
    if (slot.fixed) {
      value = slot.fixed_value;
    } else if (slot.last_token != slot.first_token) {
      value.assign(1, '-').append(st.token_text(slot.last_token));  // not "-" + s: GCC 12 -Wrestrict
    } else {
      value = literal_value(st.token_text(slot.last_token), st.tokens[slot.last_token].literal);
    }
  }
  return out;
}

std::optional<std::vector<ConstantSlot>> slots_from_spans(const StatementTokens& st,
                                                          const SlowStatement& slow) {
  std::vector<ConstantSlot> slots;
  uint32_t k = 0;
  const auto n = static_cast<uint32_t>(st.tokens.size());
  for (const auto& span : slow.spans) {
    while (k < n && st.tokens[k].begin - st.base < span.begin) ++k;
    if (k >= n || st.tokens[k].begin - st.base != span.begin) return std::nullopt;
    ConstantSlot slot{k, k, span.number, false, {}};
    const Token& t = st.tokens[k];
    if (t.end - st.base == span.end) {
      if (t.kind != TokenKind::Literal) {
        slot.fixed = true;
        slot.fixed_value = slow.constants.at(span.number - slow.first_number);
      }
    } else if (st.token_text(k) == "-" && k + 1 < n && is_number(st.tokens[k + 1].literal) &&
               st.tokens[k + 1].end - st.base == span.end) {
      slot.last_token = ++k;
    } else {
      return std::nullopt;
    }
    slots.push_back(std::move(slot));
    ++k;
  }
  return slots;
}

std::vector<uint32_t> uncovered_literals(const StatementTokens& st,
                                         const std::vector<ConstantSlot>& slots) {
  std::vector<uint32_t> out;
  size_t s = 0;
  for (uint32_t i = 0; i < st.tokens.size(); ++i) {
    while (s < slots.size() && slots[s].last_token < i) ++s;
    const bool covered = s < slots.size() && slots[s].first_token <= i && i <= slots[s].last_token;
    if (st.tokens[i].kind == TokenKind::Literal && !covered) out.push_back(i);
  }
  return out;
}

}  // namespace pgsleuth::fingerprint
