#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "report/commands.hpp"
#include "tests/config/temp_file.hpp"
#include "tests/report/findings_fixture.hpp"

namespace pgsleuth::report::testing {
namespace {

const FindingSpec kSelectStar{.kind = "select_star", .severity = "low", .fingerprint = "5e1ec75e1ec75e1e"};

TEST(Check, DefaultKindsFailWithAShortList) {
  const auto r = run_over(run_check, finding_line({}) + finding_line({.request_id = "req-2"}) + finding_line(kSelectStar));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(": 2 problems"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("n_plus_one a1b2c3d4e5f60718 route users#index (2 findings): SELECT * FROM users WHERE id = $1"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("select_star"), std::string::npos);
}

TEST(Check, CleanFileExitsZero) {
  const auto r = run_over(run_check, finding_line(kSelectStar) + summary_line("req-1", "x", 3));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("clean (2 lines; failing on n_plus_one,duplicate_query)"), std::string::npos) << r.out;
  EXPECT_EQ(run_over(run_check, "").exit_code, 0);
}

TEST(Check, FailOnChoosesKinds) {
  TempFile file(finding_line({}) + finding_line(kSelectStar), ".jsonl");
  EXPECT_EQ(run(run_check, {file.path(), "--fail-on", "select_star"}).exit_code, 1);
  EXPECT_EQ(run(run_check, {file.path(), "--fail-on=slow_query,unbounded_select"}).exit_code, 0);
  EXPECT_EQ(run(run_check, {file.path(), "--fail-on", "none"}).exit_code, 0);
  const auto bad = run(run_check, {file.path(), "--fail-on", "n_plus_one,bogus"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown kind 'bogus'"), std::string::npos) << bad.err;
}

TEST(Check, MaxQueriesPerRequest) {
  TempFile file(summary_line("req-1", "users#index", 12) + summary_line("req-2", "home", 3), ".jsonl");
  auto r = run(run_check, {file.path(), "--max-queries-per-request", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("request req-1 (route users#index) ran 12 statements, over --max-queries-per-request 10"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(run(run_check, {file.path(), "--max-queries-per-request=12"}).exit_code, 0);
  TempFile budget(finding_line({.kind = "query_budget_exceeded", .count = 60}), ".jsonl");
  EXPECT_EQ(run(run_check, {budget.path(), "--max-queries-per-request", "50"}).exit_code, 1);
  EXPECT_EQ(run(run_check, {budget.path()}).exit_code, 0);  // not a default fail-on kind
  r = run(run_check, {file.path(), "--max-queries-per-request", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be a positive integer"), std::string::npos);
}

TEST(Check, OneRequestOverBudgetIsOneProblem) {
  // The same request as a summary line and as a budget finding.
  const auto r = run_over(run_check,
                          summary_line("req-1", "users#index", 60) +
                              finding_line({.kind = "query_budget_exceeded", .count = 60, .request_id = "req-1"}),
                          {"--max-queries-per-request", "50", "--fail-on", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(": 1 problem\n"), std::string::npos) << r.out;
}

TEST(Check, MalformedOrMissingFileExitsTwo) {
  TempFile file(finding_line(kSelectStar) + "[1,2]\n", ".jsonl");
  auto r = run(run_check, {file.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, file.path() + ":2: not a JSON object\n");
  r = run(run_check, {"/nonexistent.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent.jsonl: cannot read findings file"), std::string::npos);
  EXPECT_EQ(run(run_check, {}).exit_code, 2);
  EXPECT_EQ(run(run_check, {file.path(), "other.jsonl"}).exit_code, 2);
}

TEST(Baseline, RoundTripFailsOnlyOnNewFindings) {
  const std::string old_findings =
      finding_line({}) + finding_line({.route = std::nullopt}) +
      finding_line({.kind = "duplicate_query", .severity = "medium", .fingerprint = "00000000000000dd"}) +
      summary_line("req-1", "users#index", 3);
  TempFile old_file(old_findings, ".jsonl");
  const auto b = run(run_baseline, {old_file.path()});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto doc = boost::json::parse(b.out).as_object();
  EXPECT_EQ(doc.at("version").as_int64(), 1);
  const auto& entries = doc.at("entries").as_array();
  ASSERT_EQ(entries.size(), 3u);  // the route is part of the key; summaries are not findings
  EXPECT_EQ(entries[0].at("kind").as_string(), "duplicate_query");
  EXPECT_TRUE(entries[1].at("route").is_null());

  TempFile baseline(b.out, ".json");
  EXPECT_EQ(run(run_check, {old_file.path(), "--baseline", baseline.path()}).exit_code, 0);
  EXPECT_EQ(run(run_check, {old_file.path()}).exit_code, 1);

  // The same statement on a new route, and a new statement: both are new.
  TempFile new_file(old_findings + finding_line({.route = "orders#index"}) +
                        finding_line({.fingerprint = "ffffffffffffffff", .normalized = "SELECT 1"}),
                    ".jsonl");
  const auto r = run(run_check, {new_file.path(), "--baseline", baseline.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("2 problems not in the baseline"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("route orders#index"), std::string::npos);
  EXPECT_NE(r.out.find("ffffffffffffffff"), std::string::npos);
  EXPECT_EQ(r.out.find("a1b2c3d4e5f60718 route users#index"), std::string::npos) << r.out;
}

TEST(Baseline, BadInputsExitTwo) {
  TempFile findings(finding_line({}), ".jsonl");
  TempFile not_json("{", ".json");
  auto r = run(run_check, {findings.path(), "--baseline", not_json.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a JSON baseline"), std::string::npos) << r.err;
  TempFile wrong_shape(R"({"version":1,"entries":[{"kind":"n_plus_one"}]})", ".json");
  r = run(run_check, {findings.path(), "--baseline", wrong_shape.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("entries[0].fingerprint must be a string"), std::string::npos) << r.err;
  r = run(run_check, {findings.path(), "--baseline", "/nonexistent.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read baseline file"), std::string::npos) << r.err;

  TempFile malformed("nope\n", ".jsonl");
  r = run(run_baseline, {malformed.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(run(run_baseline, {findings.path(), "--fail-on", "x"}).exit_code, 2);
}

}  // namespace
}  // namespace pgsleuth::report::testing
