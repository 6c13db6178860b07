#include <gtest/gtest.h>

#include <set>
#include <string>

#include "findings/details.hpp"
#include "findings/finding_kind.hpp"
#include "findings/severity.hpp"

namespace pgsleuth::findings {
namespace {

TEST(FindingKinds, EveryRowNamesItsKindOnceAndParsesBack) {
  std::set<std::string_view> names;
  for (const KindInfo& k : kKinds) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_EQ(to_string(k.kind), k.name);
    EXPECT_EQ(parse_finding_kind(k.name), k.kind) << k.name;
  }
  EXPECT_FALSE(parse_finding_kind("bogus"));
  EXPECT_FALSE(parse_finding_kind(kRequestSummaryKind)) << "a summary is not a finding kind";
}

TEST(FindingKinds, TheContractsKindsInItsOrder) {
  std::vector<std::string_view> names;
  for (const KindInfo& k : kKinds) names.push_back(k.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"n_plus_one", "duplicate_query", "unbatched_write",
                                                  "unbounded_select", "select_star", "slow_query",
                                                  "query_budget_exceeded", "connection_churn", "missing_index"}));
}

TEST(FindingKinds, CheckFailsOnNPlusOneAndDuplicateQueryByDefault) {
  std::vector<FindingKind> failing;
  for (const KindInfo& k : kKinds) {
    if (k.fails_check) failing.push_back(k.kind);
  }
  EXPECT_EQ(failing, (std::vector<FindingKind>{FindingKind::NPlusOne, FindingKind::DuplicateQuery}));
}

TEST(FindingKinds, TheIgnoreMaskHasOneBitPerKind) {
  uint32_t all = 0;
  for (const KindInfo& k : kKinds) {
    EXPECT_EQ(all & kind_bit(k.kind), 0u) << k.name;
    all |= kind_bit(k.kind);
  }
  EXPECT_EQ(all, kAllKindsMask);
}

TEST(FindingKinds, DetailsOfAKindAreThatKind) {
  for (const KindInfo& k : kKinds) EXPECT_EQ(kind_of(details_for(k.kind)), k.kind) << k.name;
}

TEST(Severity, NamesParseBackAndTheOrderIsTheRank) {
  for (const auto s : {Severity::Low, Severity::Medium, Severity::High, Severity::Critical}) {
    EXPECT_EQ(parse_severity(to_string(s)), s);
  }
  EXPECT_EQ(to_string(Severity::Critical), "critical");
  EXPECT_LT(Severity::Low, Severity::Medium);
  EXPECT_LT(Severity::High, Severity::Critical);
  EXPECT_FALSE(parse_severity("severe"));
  EXPECT_FALSE(parse_severity(""));
}

}  // namespace
}  // namespace pgsleuth::findings
