#pragma once
// Constant values as libpg_query sees them: which spans pg_query_normalize
// replaced (aligned against pg_query_scan's tokens) and the A_Const values of
// the parse tree at those spans. Independent of the fast path's lexer.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "fingerprint/pg_scan.hpp"
#include "fingerprint/slow_path.hpp"

namespace pgsleuth::fingerprint {

// A_Const values by location; nullopt means "as written" (numbers, NULL).
using ConstantValues = std::map<int32_t, std::optional<std::string>>;

ConstantValues constant_values(const boost::json::value& stmt, std::string_view text);

// The highest $k parameter number in the text (0 when none).
uint32_t highest_param(std::string_view text, const std::vector<PgToken>& tokens);

// Finds where `normalized` replaced tokens of `text` with $first_number,
// $first_number+1, ...; false when the two cannot be aligned token by token.
bool align_normalized(std::string_view text, std::string_view normalized,
                      const std::vector<PgToken>& tokens, uint32_t first_number,
                      std::vector<ConstantSpan>& spans);

// Values in $n order.
std::vector<std::string> values_at_spans(const ConstantValues& values, std::string_view text,
                                         const std::vector<PgToken>& tokens,
                                         const std::vector<ConstantSpan>& spans);

// Best effort when alignment failed: every A_Const in location order.
std::vector<std::string> values_in_order(const ConstantValues& values, std::string_view text,
                                         const std::vector<PgToken>& tokens);

}  // namespace pgsleuth::fingerprint
