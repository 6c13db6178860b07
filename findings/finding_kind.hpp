#pragma once
// The finding kinds of the contract, declared once. Everything that lists
// kinds (inline ignore markers, /metrics, the reader behind report/check,
// check's default --fail-on, the report's chart colours) reads this table.
// A new kind is an enum value and a row here, its details struct
// (details.hpp) and their JSON (details_json.cpp); the compiler checks the
// three agree.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pgsleuth::findings {

enum class FindingKind : uint8_t {
  NPlusOne,
  DuplicateQuery,
  UnbatchedWrite,
  UnboundedSelect,
  SelectStar,
  SlowQuery,
  QueryBudgetExceeded,
  ConnectionChurn,
  MissingIndex,
};

struct KindInfo {
  FindingKind kind;
  std::string_view name;  // the "kind" field of its lines
  bool fails_check;       // in `pgsleuth check`'s default --fail-on
  std::string_view colour;  // in report charts, the same in every report
};

// In the contract's order, one row per FindingKind value, in enum order.
inline constexpr std::array kKinds = {
    KindInfo{FindingKind::NPlusOne, "n_plus_one", true, "#c62828"},
    KindInfo{FindingKind::DuplicateQuery, "duplicate_query", true, "#ef6c00"},
    KindInfo{FindingKind::UnbatchedWrite, "unbatched_write", false, "#6a1b9a"},
    KindInfo{FindingKind::UnboundedSelect, "unbounded_select", false, "#795548"},
    KindInfo{FindingKind::SelectStar, "select_star", false, "#757575"},
    KindInfo{FindingKind::SlowQuery, "slow_query", false, "#1565c0"},
    KindInfo{FindingKind::QueryBudgetExceeded, "query_budget_exceeded", false, "#d81b60"},
    KindInfo{FindingKind::ConnectionChurn, "connection_churn", false, "#9e9d24"},
    KindInfo{FindingKind::MissingIndex, "missing_index", false, "#00838f"},
};

inline constexpr size_t kKindCount = kKinds.size();

constexpr bool rows_complete_and_in_enum_order() {
  for (size_t i = 0; i < kKindCount; ++i) {
    if (static_cast<size_t>(kKinds[i].kind) != i || kKinds[i].name.empty() || kKinds[i].colour.empty()) return false;
  }
  return true;
}
static_assert(rows_complete_and_in_enum_order(), "kKinds: one whole row per FindingKind, in enum order");

constexpr const KindInfo& info(FindingKind kind) { return kKinds[static_cast<size_t>(kind)]; }
constexpr std::string_view to_string(FindingKind kind) { return info(kind).name; }
std::optional<FindingKind> parse_finding_kind(std::string_view name);

// Statements carry a bitmask of the kinds their inline marker silences.
constexpr uint32_t kind_bit(FindingKind kind) { return 1u << static_cast<uint8_t>(kind); }
static_assert(kKindCount < 32, "kind bits fit a uint32_t");
inline constexpr uint32_t kAllKindsMask = (1u << kKindCount) - 1u;

// The summary lines that share the stream with findings. They are not
// findings: `check` ignores them and /metrics does not count them.
inline constexpr std::string_view kRequestSummaryKind = "request_summary";
inline constexpr std::string_view kRouteSummaryKind = "route_summary";

}  // namespace pgsleuth::findings
