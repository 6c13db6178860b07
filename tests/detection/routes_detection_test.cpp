// Route summaries through the real binary with the default settings: every
// route (and the requests without one) gets its requests and statements per
// request on /routes, in /metrics' pgsleuth_request_statements{route}, and
// as route_summary lines at shutdown, each checked against the contract.

#include <gtest/gtest.h>

#include <map>

#include <boost/json.hpp>

#include "tests/detection/detection_proxy.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

// One request of `statements` lookups, its own trace id, on `route`.
void request(PGconn* conn, const std::string& route, int trace, int statements) {
  char trace_id[33];
  std::snprintf(trace_id, sizeof trace_id, "%032x", trace);
  for (int i = 1; i <= statements; ++i) {
    const std::string sql = "SELECT id FROM route_items WHERE id = " + std::to_string(i) + " /*route='" + route +
                            "',traceparent='00-" + trace_id + "-00f067aa0ba902b7-01'*/";
    PgResultPtr r(PQexec(conn, sql.c_str()));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn);
  }
}

struct RouteTotals {
  int64_t requests = 0;
  double max_statements = 0;
};

TEST(Routes, EveryRouteIsSummarisedOnTheEndpointInMetricsAndInTheStream) {
  auto& pg = PgClusterEnvironment::cluster();
  pg.query_value("DROP TABLE IF EXISTS route_items; CREATE TABLE route_items (id int PRIMARY KEY); "
                 "INSERT INTO route_items SELECT generate_series(1, 20); SELECT 1");
  const uint16_t admin = free_port();
  // The default settings but the admin endpoint: route summaries need none.
  DetectionProxy proxy("[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin) + "\"\n");
  ASSERT_TRUE(proxy.started());
  {
    auto web = pq_connect(proxy.process().conninfo("postgres", "postgres", "application_name=e2e_routes"));
    for (int trace = 1; trace <= 3; ++trace) ASSERT_NO_FATAL_FAILURE(request(web.get(), "books%23index", trace, 4));
    for (int trace = 4; trace <= 5; ++trace) ASSERT_NO_FATAL_FAILURE(request(web.get(), "authors%23show", trace, 1));
  }
  {
    // No sqlcommenter: one request (the connection's) without a route.
    auto plain = pq_connect(proxy.process().conninfo("postgres", "postgres", "application_name=e2e_plain"));
    PgResultPtr r(PQexec(plain.get(), "SELECT id FROM route_items WHERE id = 1"));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK);
  }

  // Windows end a second after their last statement.
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_request_statements_bucket{route=\"books#index\",le=\"5\"} 3"));
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_request_statements_bucket{route=\"books#index\",le=\"2\"} 0"));
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_request_statements_count{route=\"authors#show\"} 2"));
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_request_statements_count{route=\"\"} 1"));

  const auto routes = boost::json::parse(admin_get(admin, "/routes")).as_array();
  ASSERT_EQ(routes.size(), 3u) << routes;
  const auto& first = routes[0].as_object();  // the most statements per request
  EXPECT_EQ(text(first, "route"), "books#index");
  EXPECT_EQ(text(first, "application_name"), "e2e_routes");
  EXPECT_EQ(integer(first, "requests"), 3);
  EXPECT_EQ(first.at("statements").at("p50").to_number<double>(), 4);
  EXPECT_EQ(first.at("statements").at("max").to_number<double>(), 4);

  // The stream: per route, the periods' requests add up.
  std::map<std::string, RouteTotals> totals;
  for (const auto& line : of_kind(proxy.finish(), "route_summary")) {
    const std::string route = line.at("route").is_null() ? "(null)" : text(line, "route");
    totals[route].requests += integer(line, "requests");
    totals[route].max_statements =
        std::max(totals[route].max_statements, line.at("statements").at("max").to_number<double>());
  }
  ASSERT_EQ(totals.size(), 3u) << proxy.findings_text();
  EXPECT_EQ(totals["books#index"].requests, 3);
  EXPECT_EQ(totals["books#index"].max_statements, 4);
  EXPECT_EQ(totals["authors#show"].requests, 2);
  EXPECT_EQ(totals["(null)"].requests, 1);
}

}  // namespace
}  // namespace pgsleuth::test::detection
