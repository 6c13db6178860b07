#include <gtest/gtest.h>

#include <vector>

#include "app/finding_router.hpp"

namespace pgsleuth::app {
namespace {

using findings::Finding;
using findings::RequestSummary;

struct Recorder : findings::FindingSink {
  void emit(const Finding& f) override { findings.push_back(f); }
  void emit(const RequestSummary& s) override { summaries.push_back(s); }
  void emit(const findings::RouteSummary& s) override { route_summaries.push_back(s); }
  std::vector<Finding> findings;
  std::vector<RequestSummary> summaries;
  std::vector<findings::RouteSummary> route_summaries;
};

Finding finding_of(findings::Details details) {
  Finding f;
  f.details = std::move(details);
  f.count = 3;
  return f;
}

TEST(FindingRouter, SummariesReachTheStreamOnlyWhenAskedForAndRecentAlways) {
  Recorder stream, recent;
  routes::RouteTable routes(10);
  FindingRouter router(stream, false, recent, routes);
  router.emit(RequestSummary{});
  EXPECT_TRUE(stream.summaries.empty());
  EXPECT_EQ(recent.summaries.size(), 1u);

  router.set_write_summaries(true);  // SIGHUP turned output.request_summaries on
  router.emit(RequestSummary{});
  EXPECT_EQ(stream.summaries.size(), 1u);
  EXPECT_EQ(recent.summaries.size(), 2u);
}

TEST(FindingRouter, FindingsGoEverywhereAndAreCountedByKind) {
  Recorder stream, recent;
  routes::RouteTable routes(10);
  FindingRouter router(stream, false, recent, routes);
  router.emit(finding_of(findings::NPlusOneDetails{}));
  router.emit(finding_of(findings::NPlusOneDetails{}));
  router.emit(finding_of(findings::QueryBudgetDetails{}));
  router.emit(RequestSummary{});
  EXPECT_EQ(stream.findings.size(), 3u);
  EXPECT_EQ(recent.findings.size(), 3u);
  const auto counts = router.counts_by_kind();
  EXPECT_EQ(counts.at("n_plus_one"), 2u);
  EXPECT_EQ(counts.at("query_budget_exceeded"), 1u);
  EXPECT_EQ(counts.at("select_star"), 0u);
  EXPECT_EQ(counts.count("request_summary"), 0u) << "a summary is not a finding";
  EXPECT_EQ(counts.size(), findings::kKindCount);
}

TEST(FindingRouter, EveryLineItWritesCarriesTheInstance) {
  Recorder stream, recent;
  routes::RouteTable routes(10);
  FindingRouter router(stream, true, recent, routes);
  router.set_instance("web-7");
  router.emit(finding_of(findings::NPlusOneDetails{}));
  router.emit(RequestSummary{});
  router.on_clock(std::chrono::system_clock::now(), /*last=*/true);
  ASSERT_EQ(stream.findings.size(), 1u);
  ASSERT_EQ(stream.summaries.size(), 1u);
  ASSERT_FALSE(stream.route_summaries.empty());
  EXPECT_EQ(stream.findings[0].instance, "web-7");
  EXPECT_EQ(recent.findings[0].instance, "web-7");  // /findings shows it too
  EXPECT_EQ(stream.summaries[0].instance, "web-7");
  for (const auto& s : stream.route_summaries) EXPECT_EQ(s.instance, "web-7");
}

}  // namespace
}  // namespace pgsleuth::app
