// What `pgsleuth report` shows with the default settings (no
// request_summary lines): routes from route_summary lines, findings per
// minute, each group quoting the finding its severity comes from, and the
// HTML's readable text (backtick code, SQL that wraps at spaces).

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "report/commands.hpp"
#include "tests/config/temp_file.hpp"
#include "tests/report/findings_fixture.hpp"

namespace pgsleuth::report::testing {
namespace {

// Two periods of books#index, one of requests without a route from the
// application "worker"; findings at 12:00 (two) and 12:03; the run ends at
// 12:05 with the last period.
std::string default_settings_file() {
  return finding_line({.route = "books#index", .ts = "2024-05-01T12:00:10.000Z"}) +
         finding_line({.kind = "slow_query", .severity = "medium", .fingerprint = "51075107510751a0", .count = 1,
                       .route = std::nullopt, .ts = "2024-05-01T12:00:20.000Z", .application_name = "worker"}) +
         finding_line({.kind = "query_budget_exceeded", .severity = "low", .fingerprint = "0000000000000bbb",
                       .count = 70, .request_id = "big", .ts = "2024-05-01T12:03:00.000Z"}) +
         route_summary_line({.requests = 100, .statements_p50 = 10, .statements_p95 = 12, .statements_max = 14,
                             .db_p50 = 1, .db_p95 = 2, .db_max = 9, .period_start = "2024-05-01T12:00:00.000Z",
                             .period_end = "2024-05-01T12:01:00.000Z"}) +
         route_summary_line({.requests = 300, .statements_p50 = 14, .statements_p95 = 16, .statements_max = 30,
                             .db_p50 = 2, .db_p95 = 4, .db_max = 7.5, .period_start = "2024-05-01T12:04:00.000Z",
                             .period_end = "2024-05-01T12:05:00.000Z"}) +
         route_summary_line({.route = std::nullopt, .application_name = "worker", .requests = 5,
                             .statements_p50 = 2, .statements_p95 = 2, .statements_max = 2,
                             .period_start = "2024-05-01T12:04:00.000Z", .period_end = "2024-05-01T12:05:00.000Z"});
}

std::string html_of(const std::string& findings) {
  TempFile html("", ".html");
  const auto r = run_over(run_report, findings, {"--format", "html", "--output", html.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(html.path());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The text report of `findings`; throws, failing the test, unless it exits 0.
std::string report_text(const std::string& findings) {
  const auto r = run_over(run_report, findings);
  if (r.exit_code != 0) throw std::runtime_error("report exited " + std::to_string(r.exit_code) + ": " + r.err);
  return r.out;
}

boost::json::object report_json(const std::string& findings) {
  return boost::json::parse(run_over(run_report, findings, {"--format", "json"}).out).as_object();
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportSections, RoutesComeFromRouteSummaryLinesPeriodsCombined) {
  const std::string t = report_text(default_settings_file());
  // p50 (10*100 + 14*300) / 400 = 13, p95 (12*100 + 16*300) / 400 = 15,
  // max the larger max; db ms p50 1.75, p95 3.5, max 9.
  EXPECT_NE(t.find("From route_summary lines"), std::string::npos) << t;
  EXPECT_NE(t.find("  books#index                          400        13       15       30       1.8      3.5        9"),
            std::string::npos)
      << t;
  // Without sqlcommenter the route falls back to the application_name.
  EXPECT_NE(t.find("  (no route: worker)                     5         2        2        2"), std::string::npos) << t;
  EXPECT_LT(t.find("books#index                          400"), t.find("(no route: worker)                     5"));
  EXPECT_NE(t.find("routes: (no route: worker)"), std::string::npos) << t;

  const auto doc = report_json(default_settings_file());
  EXPECT_TRUE(doc.at("routes_from_summaries").as_bool());
  const auto& routes = doc.at("routes").as_array();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].at("route").as_string(), "books#index");
  EXPECT_EQ(routes[0].at("requests").to_number<uint64_t>(), 400u);
  EXPECT_EQ(routes[0].at("periods").to_number<uint64_t>(), 2u);
  EXPECT_EQ(routes[0].at("statements").at("p50").to_number<double>(), 13);
  EXPECT_EQ(routes[0].at("statements").at("p95").to_number<double>(), 15);
  EXPECT_EQ(routes[0].at("statements").at("max").to_number<double>(), 30);
  EXPECT_EQ(routes[0].at("db_time_ms").at("p50").to_number<double>(), 1.75);
  EXPECT_EQ(routes[0].at("db_time_ms").at("max").to_number<double>(), 9);
  EXPECT_EQ(routes[1].at("route").as_string(), "(no route: worker)");
}

TEST(ReportSections, FindingsPerMinuteOverTheWholeRun) {
  const std::string t = report_text(default_settings_file());
  EXPECT_NE(t.find("Findings per minute over the run (UTC)"), std::string::npos) << t;
  // Six minutes, 12:00 to 12:05, quiet ones at zero.
  EXPECT_NE(t.find("  2024-05-01 12:00       2  ##############################  n_plus_one 1, slow_query 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  2024-05-01 12:01       0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  2024-05-01 12:03       1  ###############                 query_budget_exceeded 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  2024-05-01 12:05       0"), std::string::npos) << t;
  EXPECT_EQ(t.find("  2024-05-01 12:06"), std::string::npos) << t;

  const auto doc = report_json(default_settings_file());
  const auto& minutes = doc.at("findings_per_minute").as_array();
  ASSERT_EQ(minutes.size(), 2u) << minutes;
  EXPECT_EQ(minutes[0].at("minute").as_string(), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(minutes[0].at("findings").to_number<uint64_t>(), 2u);
  EXPECT_EQ(minutes[1].at("by_kind").at("query_budget_exceeded").to_number<uint64_t>(), 1u);
  EXPECT_EQ(doc.at("findings_bucket_minutes").to_number<uint64_t>(), 1u);
}

TEST(ReportSections, ALongRunGetsWiderBuckets) {
  // Three hours: the text's 30 rows are 6 minutes each.
  const std::string t = report_text(finding_line({.ts = "2024-05-01T12:00:00.000Z"}) +
                                     finding_line({.ts = "2024-05-01T12:05:59.000Z"}) +
                                     finding_line({.ts = "2024-05-01T14:59:00.000Z"}));
  EXPECT_NE(t.find("Findings per 6 minutes over the run (UTC)"), std::string::npos) << t;
  EXPECT_NE(t.find("  2024-05-01 12:00       2"), std::string::npos) << t;
  EXPECT_NE(t.find("  2024-05-01 14:54       1"), std::string::npos) << t;
  EXPECT_EQ(t.find("  2024-05-01 15:00"), std::string::npos) << t;
}

TEST(ReportSections, AGroupQuotesTheFindingItsSeverityComesFrom) {
  // The same statement: first a low finding of 5, then a high one of 51,
  // then another high one of 20. The group is high and quotes the 51.
  const std::string file_text =
      finding_line({.severity = "low", .count = 5, .message = "It ran 5 times."}) +
      finding_line({.severity = "high", .count = 51, .request_id = "req-2", .message = "It ran 51 times."}) +
      finding_line({.severity = "high", .count = 20, .request_id = "req-3", .message = "It ran 20 times."});
  const std::string t = report_text(file_text);
  EXPECT_NE(t.find("[high] n_plus_one  fingerprint a1b2c3d4e5f60718  3 findings, 76 executions"), std::string::npos)
      << t;
  EXPECT_NE(t.find("why:    It ran 51 times."), std::string::npos) << t;
  const auto doc = report_json(file_text);
  EXPECT_EQ(doc.at("groups").at(0).at("message").as_string(), "It ran 51 times.");
}

TEST(ReportSections, HtmlShowsCodeAndWrapsSqlAtSpaces) {
  const std::string page =
      html_of(finding_line({.normalized = "SELECT id, name FROM authors WHERE id = $1",
                            .suggestion = "Use `WHERE id = ANY($1)` or `JOIN authors`; a lone ` stays."}));
  EXPECT_NE(page.find("Fix: Use <code>WHERE id = ANY($1)</code> or <code>JOIN authors</code>; a lone ` stays."),
            std::string::npos)
      << page;
  EXPECT_EQ(page.find("break-all"), std::string::npos);
  EXPECT_NE(page.find("word-break:normal;overflow-wrap:anywhere"), std::string::npos);
}

TEST(ReportSections, HtmlDrawsTheChartsWithTheDefaultSettings) {
  const std::string page = html_of(default_settings_file());
  EXPECT_NE(page.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-timeline\""), std::string::npos);
  EXPECT_NE(page.find("id=\"chart-route-statements\""), std::string::npos);
  EXPECT_NE(page.find("id=\"chart-route-db-time\""), std::string::npos);
  EXPECT_EQ(page.find("class=\"empty\""), std::string::npos) << "no empty state when the file has data";
  // Per route chart: two routes, each a p50 and p95 bar and a max tick, plus
  // the key's own p50/p95/max marks.
  EXPECT_EQ(occurrences(page, "class=\"p95\""), 2u * 3u);
  EXPECT_EQ(occurrences(page, "class=\"max\""), 2u * 3u);
  // Timeline: one mark per (minute, kind) with findings: 12:00 two kinds, 12:03 one.
  EXPECT_EQ(occurrences(page, "class=\"tl\""), 3u);
  EXPECT_NE(page.find("data-kind=\"query_budget_exceeded\""), std::string::npos);
}

TEST(ReportSections, HtmlEmptyStateOnlyWithoutData) {
  const std::string empty = html_of("");
  EXPECT_NE(empty.find("id=\"no-data\""), std::string::npos);
  EXPECT_EQ(empty.find("<svg"), std::string::npos);
  // Only route summaries (a clean run): the charts are drawn, the timeline flat.
  const std::string clean = html_of(route_summary_line({}));
  EXPECT_EQ(clean.find("id=\"no-data\""), std::string::npos);
  EXPECT_NE(clean.find("id=\"chart-timeline\""), std::string::npos);
  EXPECT_NE(clean.find("no findings in these 2 buckets"), std::string::npos);
  EXPECT_NE(clean.find("id=\"chart-route-statements\""), std::string::npos);
}

}  // namespace
}  // namespace pgsleuth::report::testing
