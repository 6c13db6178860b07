// One request's lookups spread over a connection pool (asyncpg's pool with
// asyncio.gather, node-postgres's with Promise.all): each connection runs
// two, under n_plus_one.min_repeats, and still the whole fan-out is one
// N+1 with its parent and the connections it ran on.
#include <gtest/gtest.h>

#include <set>

#include "tests/detection/detection_proxy.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

constexpr size_t kPoolSize = 5;   // clients/fan_out_requests.py POOL_SIZE

struct FanOut {
  const char* script;
  const char* fed_mode;
  const char* unfed_mode;
};

class FanOutOverAPool : public ::testing::TestWithParam<FanOut> {};

TEST_P(FanOutOverAPool, IsOneNPlusOneWithItsParentAndConnections) {
  const auto& p = GetParam();
  auto run = run_client_through_proxy(kBaseConfig, p.script, p.fed_mode, std::string("fan_out_") + p.fed_mode);
  const auto f = only(run.findings, "n_plus_one");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(integer(f, "count"), kAuthors);
  EXPECT_EQ(integer(f, "distinct_params"), kAuthors);
  EXPECT_NE(text(f, "normalized").find("fo_authors WHERE id = $1"), std::string::npos);
  ASSERT_TRUE(f.at("parent").is_object());
  EXPECT_NE(std::string(f.at("parent").at("normalized").as_string()).find("ORDER BY id LIMIT $1"),
            std::string::npos);
  ASSERT_TRUE(f.contains("connections") && f.at("connections").is_array());
  std::set<int64_t> connections;
  for (const auto& id : f.at("connections").as_array()) connections.insert(id.as_int64());
  EXPECT_GE(connections.size(), 2u);
  EXPECT_LE(connections.size(), kPoolSize);
  EXPECT_EQ(text(f, "application_name"), std::string("fan_out_") + p.fed_mode);
}

// Lookups of values no result returned: no fan-out. (A pool may still hand
// five of them to one connection, which is that window's own N+1 without a
// parent, by the usual rule.)
TEST_P(FanOutOverAPool, LookupsOfValuesNoResultReturnedAreNoFanOut) {
  const auto& p = GetParam();
  auto run = run_client_through_proxy(kBaseConfig, p.script, p.unfed_mode, std::string("fan_out_") + p.unfed_mode);
  for (const auto& f : of_kind(run.findings, "n_plus_one")) {
    EXPECT_TRUE(f.at("parent").is_null()) << json::serialize(f);
    EXPECT_FALSE(f.contains("connections")) << json::serialize(f);
  }
}

INSTANTIATE_TEST_SUITE_P(AsyncpgAndNodePostgres, FanOutOverAPool,
                         ::testing::Values(FanOut{"fan_out_requests.py", "gather", "gather_unfed"},
                                           FanOut{"fan_out_requests.js", "promise_all", "promise_all_unfed"}),
                         [](const auto& info) { return std::string(info.param.fed_mode); });

}  // namespace
}  // namespace pgsleuth::test::detection
