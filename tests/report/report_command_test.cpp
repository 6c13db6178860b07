#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report/commands.hpp"
#include "tests/config/temp_file.hpp"
#include "tests/report/findings_fixture.hpp"

namespace pgsleuth::report::testing {
namespace {

// Two n_plus_one findings on one statement, one medium duplicate, summaries
// for three requests on two routes.
std::string sample_file() {
  FindingSpec dup{.kind = "duplicate_query", .severity = "medium", .fingerprint = "00000000000000dd",
                  .normalized = "SELECT * FROM settings WHERE key = $1", .count = 3, .request_id = "req-2",
                  .route = "settings#show"};
  return finding_line({}) + finding_line({.count = 9, .request_id = "req-3"}) + finding_line(dup) +
         summary_line("req-1", "users#index", 12) + summary_line("req-2", "settings#show", 4) +
         summary_line("req-3", "users#index", 30, 22.5);
}

TEST(Report, TextGroupsWorstFirstWithSqlAndFix) {
  const auto r = run_over(run_report, sample_file());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string& t = r.out;
  EXPECT_NE(t.find("3 findings: duplicate_query 1, n_plus_one 2, 3 request summaries"), std::string::npos) << t;
  const size_t n1 = t.find("[high] n_plus_one  fingerprint a1b2c3d4e5f60718  2 findings, 14 executions");
  const size_t dup = t.find("[medium] duplicate_query  fingerprint 00000000000000dd  1 finding, 3 executions");
  ASSERT_NE(n1, std::string::npos) << t;
  ASSERT_NE(dup, std::string::npos) << t;
  EXPECT_LT(n1, dup);
  EXPECT_NE(t.find("sql:    SELECT * FROM users WHERE id = $1"), std::string::npos);
  EXPECT_NE(t.find("fix:    Load the rows in one query"), std::string::npos);
  EXPECT_NE(t.find("routes: users#index"), std::string::npos);
  // Requests: most statements first.
  const size_t req3 = t.find("req-3 (idle_gap)"), req1 = t.find("req-1 (idle_gap)"), req2 = t.find("req-2 (idle_gap)");
  ASSERT_NE(req3, std::string::npos) << t;
  EXPECT_LT(req3, req1);
  EXPECT_LT(req1, req2);
  EXPECT_NE(t.find("22.5"), std::string::npos);
  // Routes from the request_summary lines: users#index had requests of 12
  // and 30 statements (1.5 and 22.5 ms): p50 12, p95 30, max 30.
  EXPECT_NE(t.find("From request_summary lines: exact."), std::string::npos) << t;
  EXPECT_NE(t.find("users#index                            2        12       30       30       1.5     22.5     22.5"),
            std::string::npos)
      << t;
}

TEST(Report, BadLinesAreNamedAndSkipped) {
  TempFile file(finding_line({}) + "{not json\n" + "\n" + R"({"kind":"bogus","count":1})" "\n" +
                    R"({"kind":"n_plus_one","severity":"high"})" "\n" + summary_line("req-1", std::nullopt, 3),
                ".jsonl");
  const auto r = run(run_report, {file.path()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find(file.path() + ":2: skipped: not JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file.path() + ":4: skipped: unknown kind 'bogus'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file.path() + ":5: skipped: field 'count' is missing"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 finding: n_plus_one 1, 1 request summary, 3 bad lines skipped"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(no route)"), std::string::npos);
}

TEST(Report, MissingFileAndBadArgumentsExitTwo) {
  auto r = run(run_report, {"/nonexistent/findings.jsonl"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "/nonexistent/findings.jsonl: cannot read findings file: No such file or directory\n");
  EXPECT_EQ(run(run_report, {}).exit_code, 2);
  TempFile file(finding_line({}), ".jsonl");
  r = run(run_report, {file.path(), "--format", "pdf"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--format 'pdf'"), std::string::npos);
  r = run(run_report, {file.path(), "--colour"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown flag --colour"), std::string::npos);
  r = run(run_report, {file.path(), "--output", "/nonexistent/dir/report.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--output '/nonexistent/dir/report.html': cannot write"), std::string::npos);
}

TEST(Report, JsonForMachines) {
  const auto r = run_over(run_report, sample_file(), {"--format=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const boost::json::object doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("findings").to_number<uint64_t>(), 3u);
  const auto& groups = doc.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].at("kind").as_string(), "n_plus_one");
  EXPECT_EQ(groups[0].at("findings").to_number<uint64_t>(), 2u);
  EXPECT_EQ(groups[0].at("executions").to_number<uint64_t>(), 14u);
  EXPECT_EQ(groups[1].at("fingerprint").as_string(), "00000000000000dd");
  const auto& requests = doc.at("top_requests").as_array();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].at("request_id").as_string(), "req-3");
  EXPECT_EQ(requests[0].at("statements").to_number<uint64_t>(), 30u);
  const auto& routes = doc.at("routes").as_array();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].at("route").as_string(), "users#index");
  EXPECT_EQ(routes[0].at("requests").to_number<uint64_t>(), 2u);
  EXPECT_EQ(routes[0].at("statements").at("p50").to_number<double>(), 12);
  EXPECT_EQ(routes[0].at("statements").at("p95").to_number<double>(), 30);
  EXPECT_EQ(routes[0].at("db_time_ms").at("max").to_number<double>(), 22.5);
}

TEST(Report, WithoutSummariesBudgetFindingsStandIn) {
  const auto r = run_over(run_report, finding_line({.kind = "query_budget_exceeded", .count = 70, .request_id = "big"}));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("only windows over the query budget"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("big (traceparent)"), std::string::npos) << r.out;
}

TEST(Report, HtmlIsSelfContainedAndEscaped) {
  TempFile html("", ".html");
  const auto r = run_over(run_report,
                          finding_line({.normalized = "SELECT '<script>alert(1)</script>' FROM t", .route = "a<b>&\"c\""}) +
                              summary_line("req-1", "a<b>&\"c\"", 7),
                          {"--format", "html", "--output", html.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::ifstream in(html.path());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string page = buffer.str();
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("a&lt;b&gt;&amp;&quot;c&quot;"), std::string::npos);
  for (const char* fetch : {"src=", "href=", "<link", "@import", "url("}) {
    EXPECT_EQ(page.find(fetch), std::string::npos) << fetch;
  }
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("Statements per request"), std::string::npos);
}

}  // namespace
}  // namespace pgsleuth::report::testing
