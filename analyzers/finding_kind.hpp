#pragma once
// The finding kinds of the contract, as an enum so statements can carry a
// bitmask of the kinds their inline marker silences.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pgsleuth::analyzers {

enum class FindingKind : uint8_t {
  NPlusOne,
  DuplicateQuery,
  UnbatchedWrite,
  UnboundedSelect,
  SelectStar,
  SlowQuery,
  QueryBudgetExceeded,
  ConnectionChurn,
};

inline constexpr uint32_t kAllKindsMask = 0xffu;

inline constexpr uint32_t kind_bit(FindingKind k) { return 1u << static_cast<uint8_t>(k); }

inline constexpr std::string_view to_string(FindingKind k) {
  switch (k) {
    case FindingKind::NPlusOne: return "n_plus_one";
    case FindingKind::DuplicateQuery: return "duplicate_query";
    case FindingKind::UnbatchedWrite: return "unbatched_write";
    case FindingKind::UnboundedSelect: return "unbounded_select";
    case FindingKind::SelectStar: return "select_star";
    case FindingKind::SlowQuery: return "slow_query";
    case FindingKind::QueryBudgetExceeded: return "query_budget_exceeded";
    case FindingKind::ConnectionChurn: return "connection_churn";
  }
  return "unknown";
}

inline std::optional<FindingKind> parse_finding_kind(std::string_view name) {
  for (uint8_t i = 0; i <= static_cast<uint8_t>(FindingKind::ConnectionChurn); ++i) {
    const auto k = static_cast<FindingKind>(i);
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace pgsleuth::analyzers
