// Drivers through pgsleuth: asyncpg's prepared statements (bound values as
// parameters), per-request trace ids and catalog introspection; psycopg2's
// repeated reads (duplicate_query) and a traced request spread over two
// connections.
#include <gtest/gtest.h>

#include <set>

#include "tests/detection/detection_proxy.hpp"
#include "tests/support/event_log.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

const std::string kConfig = std::string(kBaseConfig) + R"(
[n_plus_one]
min_repeats = 5

[duplicate_query]
min_repeats = 2
)";
constexpr size_t kEnumTypes = 8;   // clients/asyncpg_requests.py ENUM_TYPES

// asyncpg sends these in binary; the finding quotes them as PostgreSQL
// prints them (clients/asyncpg_requests.py binary_types, its first lookup).
TEST(AsyncpgDetection, BinaryParametersOfEachBuiltInTypeAreQuotedAsPostgresPrintsThem) {
  auto run = run_client_through_proxy(kConfig, "asyncpg_requests.py", "binary_types", "asyncpg_binary_types");
  const auto found = only(run.findings, "n_plus_one");
  EXPECT_EQ(json::serialize(found.at("sample_params")),
            R"(["1","-7","-9000000000","1.5","0.1","-12.340","t","héllo","v",)"
            R"("12345678-1234-5678-1234-567812345678","2024-02-29","13:14:15.5","2024-02-29 13:14:15",)"
            R"("2024-02-29 13:14:15.25+00","3 days 04:00:05","\\x00ff"])");
}

// The one n_plus_one finding of `findings` (an empty object, after a
// failure, when there is not exactly one).
json::object only_n_plus_one(const Findings& findings) {
  auto n_plus_one = of_kind(findings, "n_plus_one");
  EXPECT_EQ(n_plus_one.size(), 1u) << dump(findings);
  return n_plus_one.size() == 1 ? n_plus_one.front() : json::object{};
}

// The asyncpg prepared-statement loop (`mode` of asyncpg_requests.py): the
// proxy saw every execution, and the analysis made one n_plus_one of them
// quoting bound values, not literals.
void expect_prepared_n_plus_one(const std::string& mode) {
  DetectionProxy proxy(kConfig);
  ASSERT_TRUE(proxy.started());
  const std::string application = "asyncpg_" + mode;
  proxy.run_client("asyncpg_requests.py", mode, application);
  auto findings = proxy.finish();
  auto executions = statements_containing(proxy.process().events().read_all(), application,
                                          "FROM ap_authors WHERE id = $1");
  EXPECT_EQ(executions.size(), static_cast<size_t>(kAuthors))
      << "statement events of the loop (the proxy's --events): each execution must be one";

  const auto f = only_n_plus_one(findings);
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "normalized"), "SELECT name FROM ap_authors WHERE id = $1");
  ASSERT_TRUE(f.contains("parent") && f.at("parent").is_object()) << "the ids query fed every lookup";
  EXPECT_EQ(f.at("parent").at("normalized"), "SELECT id FROM ap_authors ORDER BY id LIMIT $1");
  EXPECT_EQ(integer(f, "count"), kAuthors);
  EXPECT_GE(integer(f, "distinct_params"), 2);
  const auto& params = f.at("sample_params");
  ASSERT_TRUE(params.is_array());
  ASSERT_EQ(params.as_array().size(), 1u);
  // asyncpg binds int4 in binary: the value as PostgreSQL prints it (the
  // first lookup's id), its type from the server's ParameterDescription.
  ASSERT_TRUE(params.as_array()[0].is_string());
  EXPECT_EQ(params.as_array()[0].as_string(), "1") << params;
}

// fetchrow() executes with a row limit of 1: the server answers
// PortalSuspended, and Sync then closes the portal.
TEST(AsyncpgDetection, FetchrowLoopOnPreparedStatementIsNPlusOne) {
  expect_prepared_n_plus_one("prepared_loop");
}

// The same loop with fetch(): Execute without a row limit, so the portal
// completes with CommandComplete.
TEST(AsyncpgDetection, FetchLoopOnPreparedStatementIsNPlusOne) {
  expect_prepared_n_plus_one("prepared_fetch");
}

TEST(AsyncpgDetection, OneQueryPerTracedRequestIsNoNPlusOne) {
  auto run = run_client_through_proxy(kConfig, "asyncpg_requests.py", "traced_requests", "asyncpg_traced");
  const auto& findings = run.findings;
  EXPECT_TRUE(of_kind(findings, "n_plus_one").empty()) << dump(findings);
  // Every request was seen, each its own trace-id window of one statement.
  std::set<std::string> trace_ids;
  for (const auto& summary : of_kind(findings, "request_summary")) {
    if (text(summary, "request_source") != "traceparent") continue;
    EXPECT_EQ(integer(summary, "count"), 1) << json::serialize(summary);
    EXPECT_EQ(text(summary, "route"), "/authors/show") << json::serialize(summary);
    trace_ids.insert(text(summary, "request_id"));
  }
  EXPECT_EQ(trace_ids.size(), static_cast<size_t>(kAuthors)) << dump(findings);
}

TEST(AsyncpgDetection, TypeIntrospectionQueriesMakeNoRepeatFindings) {
  DetectionProxy proxy(kConfig);
  ASSERT_TRUE(proxy.started());
  proxy.run_client("asyncpg_requests.py", "type_introspection", "asyncpg_introspection");
  auto findings = proxy.finish();
  // asyncpg looked each enum type up in pg_catalog, with other parameters
  // each time, all in one window: the shape of an N+1 on catalog tables.
  auto events = proxy.process().events().read_all();
  auto lookups = statements_containing(events, "asyncpg_introspection", "typeinfo_tree");
  EXPECT_GE(lookups.size(), kEnumTypes) << proxy.process().events().path();
  EXPECT_TRUE(of_kind(findings, "n_plus_one").empty()) << dump(findings);
  EXPECT_TRUE(of_kind(findings, "duplicate_query").empty()) << dump(findings);
}

TEST(DuplicateQueryDetection, SameSelectWithSameParamsTwiceIsDuplicateWithSameResult) {
  auto run = run_client_through_proxy(kConfig, "psycopg2_patterns.py", "duplicate", "psycopg2_duplicate");
  const auto& findings = run.findings;
  auto duplicates = of_kind(findings, "duplicate_query");
  ASSERT_EQ(duplicates.size(), 1u) << dump(findings);
  const auto& f = duplicates.front();
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "normalized"), "SELECT id, name FROM pp_authors WHERE id = $1");
  EXPECT_EQ(text(f, "sample_sql"), "SELECT id, name FROM pp_authors WHERE id = 3");
  EXPECT_EQ(integer(f, "count"), 2);
  EXPECT_EQ(f.at("same_result"), true);
  EXPECT_EQ(text(f, "request_source"), "transaction");
}

TEST(DuplicateQueryDetection, RereadAfterUpdateOfTheSameTableIsNoDuplicate) {
  auto run = run_client_through_proxy(kConfig, "psycopg2_patterns.py", "reread_after_update", "psycopg2_reread");
  const auto& findings = run.findings;
  EXPECT_TRUE(of_kind(findings, "duplicate_query").empty()) << dump(findings);
  // Read, UPDATE, read: all three in one window, the traced request.
  auto summaries = of_kind(findings, "request_summary");
  ASSERT_EQ(summaries.size(), 1u) << dump(findings);
  EXPECT_EQ(integer(summaries.front(), "count"), 3);
  EXPECT_EQ(text(summaries.front(), "request_source"), "traceparent");
}

// A psycopg2_patterns.py mode that runs six author lookups under one trace
// id (printed): one traceparent window with that id and `route`, and its
// n_plus_one.
void expect_one_traced_request(const std::string& mode, const std::string& route) {
  auto run = run_client_through_proxy(kConfig, "psycopg2_patterns.py", mode, "psycopg2_" + mode);
  const auto& findings = run.findings;
  const std::string trace_id = run.client_out.substr(0, run.client_out.find('\n'));
  ASSERT_EQ(trace_id.size(), 32u) << run.client_out;

  auto summaries = of_kind(findings, "request_summary");
  ASSERT_EQ(summaries.size(), 1u) << "one window for the trace id: " << dump(findings);
  for (const auto& line : {summaries.front(), only_n_plus_one(findings)}) {
    SCOPED_TRACE(json::serialize(line));
    EXPECT_EQ(text(line, "request_id"), trace_id);
    EXPECT_EQ(text(line, "request_source"), "traceparent");
    EXPECT_EQ(text(line, "route"), route);
    EXPECT_EQ(integer(line, "count"), 6);
  }
}

// Three lookups on each of two connections: only together do they reach
// n_plus_one.min_repeats.
TEST(TraceparentDetection, WindowSpansTwoConnectionsOfOneTraceId) {
  expect_one_traced_request("traceparent_two_connections", "/books/42");
}

TEST(TraceparentDetection, LeadingCommentWithControllerAndActionNamesTheRoute) {
  expect_one_traced_request("traceparent_leading_comment", "books#show");
}

}  // namespace
}  // namespace pgsleuth::test::detection
