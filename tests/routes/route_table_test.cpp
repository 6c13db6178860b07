#include "routes/route_table.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::routes {
namespace {

using findings::WallTime;

findings::RequestSummary request(std::optional<std::string> route, uint64_t statements, double ms,
                                 std::string app = "web") {
  findings::RequestSummary r;
  r.window.route = std::move(route);
  r.count = statements;
  r.db_time_ms = ms;
  r.connection = findings::Connection{};
  r.connection->application_name = std::move(app);
  return r;
}

findings::Finding n_plus_one(std::optional<std::string> route) {
  findings::Finding f;
  f.details = findings::NPlusOneDetails{};
  f.window = findings::Window{"r", "traceparent", std::move(route)};
  f.connection = findings::Connection{};
  f.connection->application_name = "web";
  return f;
}

TEST(RouteTable, APeriodSummarisesItsRequestsAndStartsAgain) {
  RouteTable t(100);
  for (int i = 0; i < 9; ++i) t.add(request("books#index", 12, 2.0));
  t.add(request("books#index", 40, 9.5));
  t.add(request(std::nullopt, 1, 0.5));
  t.add(n_plus_one("books#index"));
  const WallTime now = std::chrono::system_clock::now();
  auto period = t.take_period(now);
  ASSERT_EQ(period.size(), 2u);
  const auto& books = period[1].route ? period[1] : period[0];
  const auto& none = period[1].route ? period[0] : period[1];
  EXPECT_EQ(books.route, "books#index");
  EXPECT_EQ(books.application_name, "web");
  EXPECT_EQ(books.requests, 10u);
  EXPECT_EQ(books.statements, (findings::Spread{12, 12, 40}));  // p95 of ten: the ninth
  EXPECT_NEAR(books.db_time_ms.p50, 2.0, 0.02 + 0.0005);  // the sketch's 1%, then rounded to the microsecond
  EXPECT_EQ(books.db_time_ms.max, 9.5);
  EXPECT_EQ(books.findings.at("n_plus_one"), 1u);
  EXPECT_EQ(books.period_end, now);
  EXPECT_FALSE(none.route);
  EXPECT_EQ(none.requests, 1u);

  EXPECT_TRUE(t.take_period(now).empty()) << "nothing since the last period";
  // Totals keep everything, most statements per request first.
  const auto totals = t.totals(now);
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].route, "books#index");
  EXPECT_EQ(totals[0].requests, 10u);
}

// The contract: a line per route that had requests. connection_churn is
// about no request and counts for no route.
TEST(RouteTable, OnlyRoutesWithRequestsGetALine) {
  RouteTable t(10);
  findings::Finding churn;
  churn.details = findings::ConnectionChurnDetails{};
  t.add(churn);
  t.add(n_plus_one("books#index"));
  const WallTime now = std::chrono::system_clock::now();
  EXPECT_TRUE(t.take_period(now).empty());
  t.add(request("books#index", 3, 1));
  const auto period = t.take_period(now);
  ASSERT_EQ(period.size(), 1u);
  EXPECT_EQ(period[0].findings.at("n_plus_one"), 1u) << "the finding waited for the route's requests";
  EXPECT_EQ(period[0].findings.count("connection_churn"), 0u);
}

TEST(RouteTable, RoutesPastTheCapAreOther) {
  RouteTable t(3);
  for (int i = 0; i < 10; ++i) t.add(request("route" + std::to_string(i), 1, 1));
  const auto totals = t.totals(std::chrono::system_clock::now());
  ASSERT_EQ(totals.size(), 3u);
  uint64_t other = 0, all = 0;
  for (const auto& s : totals) {
    all += s.requests;
    if (s.route == kOtherRoute) other = s.requests;
  }
  EXPECT_EQ(all, 10u);
  EXPECT_EQ(other, 8u);
  EXPECT_EQ(t.statement_histograms().size(), 3u);
}

TEST(RouteTable, HistogramUsesTheContractsBuckets) {
  RouteTable t(10);
  for (uint64_t n : {1, 2, 3, 50, 51, 5000}) t.add(request("r", n, 1));
  const auto h = t.statement_histograms().at("r");
  // le=1, 2, 5, 10, 20, 50, 100, ..., +Inf
  EXPECT_EQ(h.counts[0], 1u);
  EXPECT_EQ(h.counts[1], 1u);
  EXPECT_EQ(h.counts[2], 1u);
  EXPECT_EQ(h.counts[5], 1u);
  EXPECT_EQ(h.counts[6], 1u);
  EXPECT_EQ(h.counts[10], 1u);
  EXPECT_EQ(h.sum, 5107);
}

}  // namespace
}  // namespace pgsleuth::routes
