#include <gtest/gtest.h>

#include <regex>

#include "analyzer_harness.hpp"
#include "findings/rfc3339.hpp"
#include "findings/valid_utf8.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

using boost::json::kind;

// Every common field of the contract with the JSON types it may take.
void expect_common_fields(const boost::json::object& f) {
  SCOPED_TRACE(boost::json::serialize(f));
  const auto is = [&](const char* key, std::initializer_list<kind> kinds) {
    ASSERT_TRUE(f.contains(key)) << key;
    const auto k = f.at(key).kind();
    bool ok = false;
    for (auto want : kinds) ok = ok || k == want;
    EXPECT_TRUE(ok) << key << " has kind " << boost::json::to_string(k);
  };
  is("ts", {kind::string});
  EXPECT_TRUE(std::regex_match(std::string(f.at("ts").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  is("kind", {kind::string});
  is("severity", {kind::string});
  EXPECT_TRUE(std::regex_match(std::string(f.at("severity").as_string()),
                               std::regex("critical|high|medium|low")));
  is("fingerprint", {kind::string, kind::null});
  if (f.at("fingerprint").is_string()) {
    EXPECT_TRUE(std::regex_match(std::string(f.at("fingerprint").as_string()),
                                 std::regex("[0-9a-f]{16}")));
  }
  is("normalized", {kind::string, kind::null});
  is("sample_sql", {kind::string, kind::null});
  is("sample_params", {kind::array, kind::null});
  is("count", {kind::int64});
  is("request_id", {kind::string, kind::null});
  is("request_source", {kind::string, kind::null});
  is("route", {kind::string, kind::null});
  is("connection_id", {kind::int64});
  is("database", {kind::string});
  is("user", {kind::string});
  is("application_name", {kind::string});
  is("client_addr", {kind::string});
  is("tables", {kind::array});
  is("message", {kind::string});
  is("suggestion", {kind::string});
  is("suppressed_since_last", {kind::int64});
  is("truncated", {kind::bool_});
}

TEST(FindingFields, EveryKindCarriesEveryCommonField) {
  config::AnalysisSettings s;
  s.query_budget.max_queries = 15;
  s.connection_churn.min_connections = 2;
  Harness h(s);
  const auto star = make_shape(
      {StatementKind::Select, "SELECT * FROM posts", {"posts"}, {}, false, true});
  h.run(Stmt(star, h.conn).returns(2000, numbers(10)));
  h.run_per_id(select_comments_by_post(), 6);
  for (int i = 0; i < 2; ++i) h.run(Stmt(select_user_by_id(), h.conn).params({"1"}), 100us, 120ms);
  h.run_per_id(insert_events(), 6);
  h.settle();
  for (uint64_t c = 10; c < 12; ++c) {
    const auto conn = make_conn(c);
    h.analyzer->on_connection_opened(conn, h.now);
    h.advance(5ms);
    h.analyzer->on_connection_closed(conn, h.now);
  }
  for (const char* kind : {"n_plus_one", "duplicate_query", "unbatched_write", "unbounded_select",
                           "select_star", "slow_query", "query_budget_exceeded",
                           "connection_churn"}) {
    const auto found = h.of_kind(kind);
    ASSERT_EQ(found.size(), 1u) << kind;
    expect_common_fields(found[0]);
  }
  EXPECT_EQ(h.analyzer->stats().findings, 8u);
}

TEST(FindingFields, SeverityFollowsImpact) {
  Harness h;
  h.run_per_id(select_comments_by_post(), 5);
  h.advance(1s);
  h.run_per_id(select_user_by_id(), 60);
  h.advance(1s);
  // Few repeats but a lot of server time.
  for (const auto& id : numbers(5)) h.run(Stmt(select_posts(), h.conn).params({id}), 100us, 60ms);
  h.settle();
  const auto found = h.of_kind("n_plus_one");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].at("severity").as_string(), "low");
  EXPECT_EQ(found[1].at("severity").as_string(), "critical");
  EXPECT_EQ(found[2].at("severity").as_string(), "high");
}

TEST(FindingFields, RequestSummaryLine) {
  Harness h;
  h.run(Stmt(select_posts(), h.conn).params({"1"}).returns(3).trace("t-1", "posts#index"));
  h.run(Stmt(select_user_by_id(), h.conn).params({"2"}).returns(1).trace("t-1"));
  h.settle();
  const auto r = h.only("request_summary");
  EXPECT_EQ(r.at("request_id").as_string(), "t-1");
  EXPECT_EQ(r.at("request_source").as_string(), "traceparent");
  EXPECT_EQ(r.at("route").as_string(), "posts#index");
  EXPECT_EQ(r.at("count").as_int64(), 2);
  EXPECT_EQ(r.at("rows").as_int64(), 4);
  EXPECT_EQ(r.at("distinct_fingerprints").as_int64(), 2);
  EXPECT_NEAR(r.at("db_time_ms").as_double(), 0.4, 1e-9);
  EXPECT_TRUE(r.at("ts").is_string());
  EXPECT_EQ(r.at("database").as_string(), "shop");
}

TEST(FindingFields, Rfc3339InUtcWithMilliseconds) {
  const WallTime t = WallTime{} + std::chrono::seconds(1700000000) + std::chrono::milliseconds(7);
  EXPECT_EQ(findings::rfc3339(t), "2023-11-14T22:13:20.007Z");
}

TEST(FindingFields, InvalidUtf8FromTheWireIsReplaced) {
  EXPECT_EQ(findings::valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(findings::valid_utf8("bad \xFF end"), "bad \xEF\xBF\xBD end");
  EXPECT_EQ(findings::valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  Harness h;
  for (int i = 0; i < 2; ++i) {
    h.run(Stmt(select_user_by_id(), h.conn).params({"\xFF"}).sql("SELECT 'caf\xE9'"));
  }
  h.settle();
  const auto found = h.only("duplicate_query");
  EXPECT_EQ(found.at("sample_sql").as_string(), "SELECT 'caf\xEF\xBF\xBD'");
  EXPECT_EQ(found.at("sample_params").as_array()[0].as_string(), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
