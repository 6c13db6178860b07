#pragma once
// The fast path's per-statement work once a shape is known: the shape key of
// a lexed statement, and its normalized text and constant values rebuilt from
// the shape's constant slots. Also the derivation of those slots from one
// slow-path result (on a cache miss).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fingerprint/shape_cache.hpp"
#include "fingerprint/slow_path.hpp"
#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::fingerprint {

// A lexed statement: its text and its tokens, offsets relative to the text.
struct StatementTokens {
  std::string_view text;
  std::span<const Token> tokens;  // absolute offsets into the whole query...
  uint32_t base = 0;              // ...minus this
  std::string_view token_text(uint32_t i) const {
    return text.substr(tokens[i].begin - base, tokens[i].end - tokens[i].begin);
  }
};

// Shape key: every token verbatim except literal values (their class only);
// comments and whitespace do not count.
void build_shape_key(const StatementTokens& st, std::string& key);
// Extends a shape key into a value key with the text of `literals`.
void append_value_key(const StatementTokens& st, const std::vector<uint32_t>& literals,
                      std::string& key);

// The statement's normalized text: its own text from first to last token
// (no edge comments), constants replaced by $n.
std::string render_normalized(const StatementTokens& st, const ShapeEntry& entry);
std::vector<std::string> render_constants(const StatementTokens& st, const ShapeEntry& entry);

// Slots for the spans the slow path found, or nullopt when some span is not a
// whole token (or "- number") of the lexer's.
std::optional<std::vector<ConstantSlot>> slots_from_spans(const StatementTokens& st,
                                                          const SlowStatement& slow);

// Literal tokens not covered by a slot.
std::vector<uint32_t> uncovered_literals(const StatementTokens& st,
                                         const std::vector<ConstantSlot>& slots);

}  // namespace pgsleuth::fingerprint
