// The reader and the writer share one home for field names: every line of
// the golden stream parses into typed values that write the same bytes.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/json_text.hpp"
#include "findings/parse_line.hpp"

namespace pgsleuth::findings {
namespace {

std::string written(const Line& line) {
  return std::visit([](const auto& l) { return common::json_text(to_json(l)); }, line);
}

TEST(JsonRoundTrip, EveryGoldenLineParsesIntoValuesThatWriteItAgain) {
  std::ifstream in(PGSLEUTH_FINDINGS_GOLDEN, std::ios::binary);
  size_t lines = 0, summaries = 0;
  for (std::string text; std::getline(in, text); ++lines) {
    const Line line = parse_line(text);
    summaries += std::holds_alternative<RequestSummary>(line);
    EXPECT_EQ(written(line), text);
  }
  EXPECT_GT(lines, 10u);
  EXPECT_GT(summaries, 0u);
}

// The advisor's missing_index line (advisor/missing_index_finding.cpp fills it).
Finding missing_index() {
  Finding f;
  f.ts = WallTime{} + std::chrono::seconds(1700000000);
  f.severity = Severity::High;
  f.fingerprint = "0123456789abcdef";
  f.normalized = "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at LIMIT $2";
  f.sample_sql = "SELECT * FROM orders WHERE customer_id = 7 ORDER BY created_at LIMIT 10";
  f.count = 1;
  f.window = Window{"t-1", "traceparent", "orders#index"};
  f.connection = Connection{4, "shop", "app", "web", "10.0.0.7"};
  f.tables = {"orders"};
  f.message = "A costly statement reads orders without an index.";
  f.suggestion = "Create the index.";
  f.details = MissingIndexDetails{"public.orders",
                                  {"customer_id", "created_at"},
                                  "CREATE INDEX CONCURRENTLY ON public.orders (customer_id, created_at)",
                                  {"Limit", "  ->  Seq Scan on orders"},
                                  1234.5,
                                  12.25,
                                  "hypopg"};
  return f;
}

TEST(JsonRoundTrip, MissingIndexCarriesTheContractsFieldsAfterTheCommonOnes) {
  const std::string text = common::json_text(to_json(missing_index()));
  EXPECT_NE(text.find(R"j("truncated":false,"relation":"public.orders","columns":["customer_id","created_at"],)j"
                      R"j("ddl":"CREATE INDEX CONCURRENTLY ON public.orders (customer_id, created_at)",)j"
                      R"j("plan":["Limit","  ->  Seq Scan on orders"],"cost_before":1234.5,"cost_after":12.25,)j"
                      R"j("verified_with":"hypopg","suppressed_since_last":0})j"),
            std::string::npos)
      << text;
  EXPECT_EQ(written(parse_line(text)), text);

  Finding unverified = missing_index();
  auto& details = std::get<MissingIndexDetails>(unverified.details);
  details.cost_before.reset();
  details.cost_after.reset();
  details.verified_with.reset();
  const std::string nulls = common::json_text(to_json(unverified));
  EXPECT_NE(nulls.find(R"("cost_before":null,"cost_after":null,"verified_with":null)"), std::string::npos) << nulls;
  EXPECT_EQ(written(parse_line(nulls)), nulls);
}

TEST(JsonRoundTrip, IntegersAreSignedAsAParserGivesThemBack) {
  const auto o = to_json(missing_index());
  EXPECT_TRUE(o.at("count").is_int64());
  EXPECT_TRUE(o.at("connection_id").is_int64());
  EXPECT_TRUE(o.at("suppressed_since_last").is_int64());
}

TEST(JsonRoundTrip, StringsFromTheWireBecomeValidUtf8) {
  Finding f = missing_index();
  f.sample_sql = "SELECT 'caf\xE9'";
  f.window->route = "r\xFF";
  const auto o = to_json(f);
  EXPECT_EQ(o.at("sample_sql").as_string(), "SELECT 'caf\xEF\xBF\xBD'");
  EXPECT_EQ(o.at("route").as_string(), "r\xEF\xBF\xBD");
}

}  // namespace
}  // namespace pgsleuth::findings
