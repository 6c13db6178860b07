// The other finding kinds, each provoked through pgsleuth by psycopg2:
// unbounded_select, slow_query, query_budget_exceeded, unbatched_write,
// connection_churn, and request_summary lines.
#include <gtest/gtest.h>

#include "tests/detection/detection_proxy.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

const std::string kConfig = std::string(kBaseConfig) + R"(
[unbounded_select]
min_rows = 1000

[slow_query]
threshold_ms = 100

[query_budget]
max_queries = 20

[unbatched_write]
min_repeats = 5

[connection_churn]
min_connections = 5
max_lifetime_ms = 1000
within_s = 10
)";
// From clients/psycopg2_patterns.py.
constexpr int64_t kBigRows = 1500;
constexpr int64_t kBudgetSelects = 25;
constexpr int64_t kUnbatchedInserts = 10;

// Runs one psycopg2_patterns.py mode through a fresh pgsleuth; the one
// finding of `kind` it must produce (an empty object, after a failure, if
// there is not exactly one).
json::object only_finding(const std::string& mode, const std::string& kind, Findings* all = nullptr) {
  auto findings = run_client_through_proxy(kConfig, "psycopg2_patterns.py", mode, "psycopg2_" + mode).findings;
  if (all) *all = findings;
  auto of_this_kind = of_kind(findings, kind);
  EXPECT_EQ(of_this_kind.size(), 1u) << kind << " findings: " << dump(findings);
  return of_this_kind.size() == 1 ? of_this_kind.front() : json::object{};
}

// Runs a clean counterpart through a fresh pgsleuth: no finding of `kind`,
// and its one window (its request_summary, returned) did run.
json::object only_summary_without(const std::string& mode, const std::string& kind) {
  auto findings = run_client_through_proxy(kConfig, "psycopg2_patterns.py", mode, "psycopg2_" + mode).findings;
  EXPECT_TRUE(of_kind(findings, kind).empty()) << dump(findings);
  auto summaries = of_kind(findings, "request_summary");
  EXPECT_EQ(summaries.size(), 1u) << dump(findings);
  return summaries.size() == 1 ? summaries.front() : json::object{};
}

bool lists(const json::object& finding, const char* field, const std::string& item) {
  const auto* list = finding.if_contains(field);
  if (!list || !list->is_array()) return false;
  for (const auto& v : list->as_array()) {
    if (v.is_string() && v.as_string() == item) return true;
  }
  return false;
}

TEST(KindsDetection, SelectWithoutLimitOfManyRowsIsUnboundedSelect) {
  auto f = only_finding("unbounded", "unbounded_select");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "sample_sql"), "SELECT id, payload FROM pp_big ORDER BY id");
  EXPECT_EQ(integer(f, "rows"), kBigRows);
  EXPECT_GT(integer(f, "bytes"), kBigRows * 32);  // an md5 text per row
  EXPECT_TRUE(lists(f, "tables", "pp_big"));
}

TEST(KindsDetection, AsManyRowsWithLimitIsNoUnboundedSelect) {
  EXPECT_EQ(integer(only_summary_without("bounded", "unbounded_select"), "rows"), kBigRows);
}

TEST(KindsDetection, PgSleepAboveThresholdIsSlowQuery) {
  auto f = only_finding("slow", "slow_query");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "sample_sql"), "SELECT pg_sleep(0.3)");
  ASSERT_TRUE(f.contains("duration_ms") && f.at("duration_ms").is_number());
  EXPECT_GE(f.at("duration_ms").to_number<double>(), 300.0);
}

TEST(KindsDetection, MoreStatementsThanMaxQueriesIsQueryBudgetExceeded) {
  auto f = only_finding("budget", "query_budget_exceeded");
  SCOPED_TRACE(json::serialize(f));
  // BEGIN, the selects, COMMIT: one transaction window.
  EXPECT_EQ(integer(f, "count"), kBudgetSelects + 2);
  EXPECT_EQ(text(f, "request_source"), "transaction");
  ASSERT_TRUE(f.contains("top") && f.at("top").is_array() && !f.at("top").as_array().empty());
  const auto& top = f.at("top").as_array().front().as_object();
  EXPECT_EQ(top.at("normalized"), "SELECT id, name FROM pp_authors WHERE id = $1");
  EXPECT_EQ(top.at("count"), kBudgetSelects);
}

TEST(KindsDetection, InsertsInALoopAreUnbatchedWrite) {
  auto f = only_finding("unbatched", "unbatched_write");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "normalized"), "INSERT INTO pp_log (n) VALUES ($1)");
  EXPECT_EQ(integer(f, "count"), kUnbatchedInserts);
  EXPECT_EQ(text(f, "request_source"), "transaction");
  EXPECT_TRUE(lists(f, "tables", "pp_log"));
}

TEST(KindsDetection, OneMultiRowInsertIsNoUnbatchedWrite) {
  // BEGIN, the INSERT, COMMIT.
  EXPECT_EQ(integer(only_summary_without("batched", "unbatched_write"), "count"), 3);
}

TEST(KindsDetection, ManyShortConnectionsAreConnectionChurn) {
  auto f = only_finding("churn", "connection_churn");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "client_addr"), "127.0.0.1");
  EXPECT_GE(integer(f, "count"), 5);
}

TEST(KindsDetection, EveryWindowGetsARequestSummary) {
  Findings findings;
  auto summary = only_finding("summary", "request_summary", &findings);
  SCOPED_TRACE(json::serialize(summary));
  // BEGIN, two lookups, a count, COMMIT.
  EXPECT_EQ(text(summary, "request_source"), "transaction");
  EXPECT_FALSE(text(summary, "request_id").empty());
  EXPECT_TRUE(summary.contains("route") && summary.at("route").is_null());
  EXPECT_EQ(integer(summary, "count"), 5);
  EXPECT_EQ(integer(summary, "rows"), 3);
  EXPECT_EQ(integer(summary, "distinct_fingerprints"), 4);
  ASSERT_TRUE(summary.contains("db_time_ms") && summary.at("db_time_ms").is_number());
  EXPECT_GT(summary.at("db_time_ms").to_number<double>(), 0.0);
  EXPECT_EQ(text(summary, "application_name"), "psycopg2_summary");
}

}  // namespace
}  // namespace pgsleuth::test::detection
