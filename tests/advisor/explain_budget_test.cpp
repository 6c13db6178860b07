#include "advisor/explain_budget.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::advisor {
namespace {

TEST(ExplainBudget, AtMostNInAnySixtySeconds) {
  ExplainBudget budget(2);
  const auto t0 = ExplainBudget::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(budget.next_at(t0), t0);
  budget.spend(t0);
  budget.spend(t0 + std::chrono::seconds(10));
  EXPECT_EQ(budget.next_at(t0 + std::chrono::seconds(20)), t0 + std::chrono::seconds(60));
  EXPECT_EQ(budget.next_at(t0 + std::chrono::seconds(60)), t0 + std::chrono::seconds(60));
  budget.spend(t0 + std::chrono::seconds(60));
  EXPECT_EQ(budget.next_at(t0 + std::chrono::seconds(61)), t0 + std::chrono::seconds(70));
}

}  // namespace
}  // namespace pgsleuth::advisor
