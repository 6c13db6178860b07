// The analysis thread's side of the advisor never waits: a full queue
// drops the candidate and counts it.
#include "advisor/advisor.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::advisor {
namespace {

TEST(AdvisorQueue, AFullQueueDropsAndCounts) {
  Advisor advisor(ReviewSettings{});  // not started: nothing takes candidates out
  const size_t offered = Advisor::kQueueCapacity + 44;
  size_t accepted = 0;
  for (size_t i = 0; i < offered; ++i) {
    Candidate c;
    c.fingerprint = std::to_string(i);
    accepted += advisor.submit(std::move(c)) ? 1 : 0;
  }
  EXPECT_EQ(accepted, Advisor::kQueueCapacity);
  const auto m = advisor.metrics();
  EXPECT_EQ(m[AdvisorMetric::Candidates], offered);
  EXPECT_EQ(m[AdvisorMetric::CandidatesDropped], 44u);
  EXPECT_EQ(m[AdvisorMetric::Explains], 0u);
}

}  // namespace
}  // namespace pgsleuth::advisor
