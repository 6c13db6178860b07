#pragma once
// What each kind adds to the common fields, one struct per kind. A
// finding's details are a variant of these whose alternative index is its
// FindingKind, so the type of the details is the kind.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "findings/finding_kind.hpp"

namespace pgsleuth::findings {

// Quiet time between one repeat's completion and the next one's start, ms.
struct Gaps {
  double min = 0;
  double median = 0;
  double max = 0;
};

// What every repeat finding carries so a person can believe it.
struct RepeatEvidence {
  double db_time_ms = 0;
  Gaps gaps_ms;
  uint64_t round_trips_saved = 0;
};

struct StatementRef {
  std::string fingerprint;
  std::string normalized;
};

struct TopStatement {
  std::string fingerprint;
  std::string normalized;
  uint64_t count = 0;
};

struct NPlusOneDetails {
  static constexpr FindingKind kKind = FindingKind::NPlusOne;
  RepeatEvidence evidence;
  uint64_t distinct_params = 0;
  std::optional<StatementRef> parent;  // the earlier statement whose rows fed the repeats
  // A fan-out over pooled connections: the connections the repeats ran on
  // (absent from the line otherwise).
  std::vector<uint64_t> connections;
};

struct DuplicateQueryDetails {
  static constexpr FindingKind kKind = FindingKind::DuplicateQuery;
  RepeatEvidence evidence;
  bool same_result = true;
  uint64_t distinct_params = 1;
};

struct UnbatchedWriteDetails {
  static constexpr FindingKind kKind = FindingKind::UnbatchedWrite;
  RepeatEvidence evidence;
  uint64_t distinct_params = 0;
};

struct UnboundedSelectDetails {
  static constexpr FindingKind kKind = FindingKind::UnboundedSelect;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  double db_time_ms = 0;
};

struct SelectStarDetails {
  static constexpr FindingKind kKind = FindingKind::SelectStar;
};

struct SlowQueryDetails {
  static constexpr FindingKind kKind = FindingKind::SlowQuery;
  double duration_ms = 0;  // the slowest execution
  double db_time_ms = 0;
};

struct QueryBudgetDetails {
  static constexpr FindingKind kKind = FindingKind::QueryBudgetExceeded;
  double db_time_ms = 0;
  std::vector<TopStatement> top;  // most repeated fingerprints first
  uint64_t max_queries = 0;
};

struct ConnectionChurnDetails {
  static constexpr FindingKind kKind = FindingKind::ConnectionChurn;
  uint64_t within_s = 0;
  uint64_t max_lifetime_ms = 0;
  double median_lifetime_ms = 0;
};

// The contract's fields; the index advisor (advisor/) makes this kind.
struct MissingIndexDetails {
  static constexpr FindingKind kKind = FindingKind::MissingIndex;
  std::string relation;
  std::vector<std::string> columns;  // in the suggested order
  std::string ddl;
  std::vector<std::string> plan;     // the plan nodes that show it, one line each
  std::optional<double> cost_before;
  std::optional<double> cost_after;
  std::optional<std::string> verified_with;
};

using Details = std::variant<NPlusOneDetails, DuplicateQueryDetails, UnbatchedWriteDetails,
                             UnboundedSelectDetails, SelectStarDetails, SlowQueryDetails,
                             QueryBudgetDetails, ConnectionChurnDetails, MissingIndexDetails>;

constexpr FindingKind kind_of(const Details& details) { return static_cast<FindingKind>(details.index()); }

// Default details of `kind`: the alternative a reader fills in.
Details details_for(FindingKind kind);

template <size_t... I>
constexpr bool alternatives_match_kinds(std::index_sequence<I...>) {
  return ((static_cast<size_t>(std::variant_alternative_t<I, Details>::kKind) == I) && ...);
}
static_assert(std::variant_size_v<Details> == kKindCount, "Details: one alternative per kind");
static_assert(alternatives_match_kinds(std::make_index_sequence<kKindCount>{}),
              "Details: alternative i is the details of FindingKind i");

}  // namespace pgsleuth::findings
