// The contract checker itself: a line as pgsleuth writes it passes, and each
// kind of breakage is caught and named (so a passing detection test means
// the lines really were checked).
#include <gtest/gtest.h>

#include "tests/detection/finding_contract.hpp"

namespace pgsleuth::test::detection {
namespace {

namespace json = boost::json;

json::object n_plus_one_line() {
  return json::parse(R"({"ts":"2026-11-23T01:19:33.447Z","kind":"n_plus_one","severity":"medium",
    "fingerprint":"2064849a3cec6bf5","normalized":"SELECT name FROM a WHERE id = $1",
    "sample_sql":"SELECT name FROM a WHERE id = $1","sample_params":["\\x00000001",null],"count":10,
    "request_id":"1-gap-1","request_source":"idle_gap","route":null,"connection_id":1,
    "database":"postgres","user":"postgres","application_name":"app","client_addr":"127.0.0.1","instance":"web-1:6432",
    "tables":["a"],"message":"m","suggestion":"s","distinct_params":10,
    "parent":{"fingerprint":"7cd0ab47672d745c","normalized":"SELECT id FROM b"}})")
      .as_object();
}

// The checker's message for `line`, "" when it passes.
std::string problems(const json::object& line) {
  auto result = follows_contract(line);
  return result ? "" : result.message();
}

TEST(FindingContract, AcceptsAWellFormedFinding) { EXPECT_TRUE(follows_contract(n_plus_one_line())); }

TEST(FindingContract, AcceptsASummary) {
  auto line = json::parse(R"({"ts":"2026-11-23T01:19:33Z","kind":"request_summary",
    "request_id":"0af7651916cd43dd8448eb211c80319c","request_source":"traceparent","route":"/x",
    "count":2,"db_time_ms":1.5,"rows":0,"distinct_fingerprints":2})").as_object();
  EXPECT_TRUE(follows_contract(line));
}

TEST(FindingContract, NamesEachBrokenField) {
  const std::vector<std::pair<std::string, json::value>> breakages = {
      {"ts", "2026-11-23 01:19:33"},           {"ts", "2026-11-23T01:19:33+02:00"},
      {"kind", "n_plus_two"},                  {"severity", "urgent"},
      {"fingerprint", "2064849A3CEC6BF5"},     {"fingerprint", "2064849a3cec6bf"},
      {"sample_params", json::array{1, 2}},    {"count", 0},
      {"count", "10"},                         {"request_source", "cookie"},
      {"route", 42},                           {"connection_id", "1"},
      {"tables", "a"},                         {"message", ""},
      {"distinct_params", 1},                  {"parent", json::object{{"fingerprint", "x"}}},
      {"instance", ""},                        {"instance", json::value(nullptr)},
  };
  for (const auto& [field, value] : breakages) {
    auto line = n_plus_one_line();
    line[field] = value;
    EXPECT_NE(problems(line).find(field + ": "), std::string::npos) << field << " = " << value;
  }
  for (const char* field : {"suggestion", "client_addr", "instance", "sample_params", "parent", "tables"}) {
    auto line = n_plus_one_line();
    line.erase(field);
    EXPECT_NE(problems(line).find(std::string(field) + ": missing"), std::string::npos) << field;
  }
}

}  // namespace
}  // namespace pgsleuth::test::detection
