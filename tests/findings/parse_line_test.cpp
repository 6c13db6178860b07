#include <gtest/gtest.h>

#include <string>

#include "findings/parse_line.hpp"

namespace pgsleuth::findings {
namespace {

std::string why(const std::string& text) {
  try {
    parse_line(text);
  } catch (const BadLine& e) {
    return e.what();
  }
  return "parsed";
}

TEST(ParseLine, NamesWhatMakesALineBad) {
  EXPECT_EQ(why("{not json").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(why("[1]"), "not a JSON object");
  EXPECT_EQ(why(R"({"count":1})"), "field 'kind' is missing");
  EXPECT_EQ(why(R"({"kind":5,"count":1})"), "field 'kind' must be a string");
  EXPECT_EQ(why(R"({"kind":"bogus","count":1})"), "unknown kind 'bogus'");
  EXPECT_EQ(why(R"({"kind":"n_plus_one","severity":"high"})"), "field 'count' is missing");
  EXPECT_EQ(why(R"({"kind":"n_plus_one","count":-1,"severity":"high"})"),
            "field 'count' must be a non-negative integer");
  EXPECT_EQ(why(R"({"kind":"request_summary","count":null})"), "field 'count' must be a non-negative integer");
  EXPECT_EQ(why(R"({"kind":"n_plus_one","count":1,"severity":"severe"})"),
            "severity 'severe' is not critical, high, medium or low");
  EXPECT_EQ(why(R"({"kind":"n_plus_one","count":1})"), "severity '' is not critical, high, medium or low");
}

TEST(ParseLine, FieldsReportAndCheckUseMustHaveTheirType) {
  const std::string head = R"({"kind":"query_budget_exceeded","count":3,"severity":"low",)";
  EXPECT_EQ(why(head + R"("fingerprint":7})"), "field 'fingerprint' must be a string");
  EXPECT_EQ(why(head + R"("message":[]})"), "field 'message' must be a string");
  EXPECT_EQ(why(head + R"("request_id":{}})"), "field 'request_id' must be a string");
  EXPECT_EQ(why(head + R"("route":5})"), "field 'route' must be a string or null");
  EXPECT_EQ(why(head + R"("ts":1})"), "field 'ts' must be a string");
  EXPECT_EQ(why(head + R"("db_time_ms":"slow"})"), "field 'db_time_ms' must be a number");
  EXPECT_EQ(why(R"({"kind":"request_summary","count":3,"db_time_ms":true})"), "field 'db_time_ms' must be a number");
}

TEST(ParseLine, OtherFieldsAreBestEffort) {
  const Line line = parse_line(
      R"({"kind":"n_plus_one","count":4,"severity":"high","distinct_params":"many","tables":7,)"
      R"("parent":3,"connection_id":"x","gaps_ms":{"min":"?","max":2},"sample_params":["1",2,null],"extra":1})");
  const auto& f = std::get<Finding>(line);
  EXPECT_EQ(f.kind(), FindingKind::NPlusOne);
  EXPECT_EQ(f.count, 4u);
  EXPECT_EQ(f.severity, Severity::High);
  EXPECT_FALSE(f.fingerprint);
  EXPECT_FALSE(f.window);
  EXPECT_FALSE(f.connection);
  EXPECT_TRUE(f.tables.empty());
  const auto& d = std::get<NPlusOneDetails>(f.details);
  EXPECT_EQ(d.distinct_params, 0u);
  EXPECT_FALSE(d.parent);
  EXPECT_EQ(d.evidence.gaps_ms.min, 0);
  EXPECT_EQ(d.evidence.gaps_ms.max, 2);
  ASSERT_TRUE(f.sample_params);
  EXPECT_EQ(*f.sample_params, (Params{"1", std::nullopt, std::nullopt}));
}

TEST(ParseLine, ATypedFindingWithItsWindowAndDetails) {
  const Line line = parse_line(
      R"({"ts":"2024-05-01T12:00:00.250Z","kind":"query_budget_exceeded","severity":"critical","fingerprint":null,)"
      R"("count":60,"request_id":"req-1","request_source":"idle_gap","route":null,"db_time_ms":12.5,)"
      R"("top":[{"fingerprint":"00000000000000aa","normalized":"SELECT 1","count":59},"junk"],"max_queries":50})");
  const auto& f = std::get<Finding>(line);
  EXPECT_EQ(f.severity, Severity::Critical);
  ASSERT_TRUE(f.window);
  EXPECT_EQ(f.window->request_id, "req-1");
  EXPECT_EQ(f.window->request_source, "idle_gap");
  EXPECT_FALSE(f.window->route);
  EXPECT_EQ(f.ts, WallTime{} + std::chrono::seconds(1714564800) + std::chrono::milliseconds(250));
  const auto& d = std::get<QueryBudgetDetails>(f.details);
  EXPECT_EQ(d.db_time_ms, 12.5);
  EXPECT_EQ(d.max_queries, 50u);
  ASSERT_EQ(d.top.size(), 1u);
  EXPECT_EQ(d.top[0].fingerprint, "00000000000000aa");
  EXPECT_EQ(d.top[0].count, 59u);
}

TEST(ParseLine, ARequestSummary) {
  const Line line = parse_line(
      R"({"ts":"not a time","kind":"request_summary","request_id":"t-1","request_source":"traceparent",)"
      R"("route":"posts#index","count":7,"db_time_ms":3,"rows":12,"distinct_fingerprints":2,"truncated":true,)"
      R"("connection_id":3,"database":"shop","user":"app","application_name":"web","client_addr":"10.0.0.7"})");
  const auto& s = std::get<RequestSummary>(line);
  EXPECT_EQ(s.ts, WallTime{}) << "a ts that is no time reads as the epoch";
  EXPECT_EQ(s.window.request_id, "t-1");
  EXPECT_EQ(s.window.route, "posts#index");
  EXPECT_EQ(s.count, 7u);
  EXPECT_EQ(s.db_time_ms, 3.0);
  EXPECT_EQ(s.rows, 12u);
  EXPECT_EQ(s.distinct_fingerprints, 2u);
  EXPECT_TRUE(s.truncated);
  ASSERT_TRUE(s.connection);
  EXPECT_EQ(s.connection->connection_id, 3u);
  EXPECT_EQ(s.connection->client_addr, "10.0.0.7");
}

}  // namespace
}  // namespace pgsleuth::findings
