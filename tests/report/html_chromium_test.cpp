// Loads the HTML report in headless Chromium (Debian's chromium package) at
// 1280 px wide: the page must render to a screenshot and its DOM must hold
// the report's text and its charts' SVG elements, with hostile strings shown
// as text rather than run.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "report/commands.hpp"
#include "tests/config/temp_file.hpp"
#include "tests/report/findings_fixture.hpp"

namespace pgsleuth::report::testing {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const fs::path p = fs::path(dir) / "chromium";
    if (fs::exists(p)) return p.string();
  }
  return {};
}

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("pgsleuth-chromium-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string chromium_command(const std::string& chromium, const fs::path& profile, const std::string& action,
                             const fs::path& page) {
  // `timeout` so a hung browser fails the test instead of hanging CI.
  return "timeout 180 " + chromium +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
         " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir=" +
         profile.string() + " " + action + " --window-size=1280,2000 file://" + page.string();
}

std::string read_command_output(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  return output;
}

TEST(HtmlReportInChromium, RendersAndShowsTheReport) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (apt-get install -y chromium); the CI installs it";
  }
  // The defaults' lines (route_summary, no request_summary) over three
  // minutes, and one request_summary for the requests chart.
  TempFile findings(finding_line({.normalized = "SELECT '<img src=x onerror=alert(1)>' FROM users WHERE id = $1",
                                  .ts = "2024-05-01T12:00:05.000Z"}) +
                        finding_line({.kind = "slow_query", .severity = "medium", .fingerprint = "51075107510751a0",
                                      .normalized = "SELECT pg_sleep($1)", .count = 1, .route = "reports#slow",
                                      .ts = "2024-05-01T12:02:30.000Z"}) +
                        route_summary_line({.route = "users#index", .requests = 40, .statements_p50 = 31,
                                            .statements_p95 = 40, .statements_max = 44,
                                            .period_start = "2024-05-01T12:00:00.000Z",
                                            .period_end = "2024-05-01T12:01:00.000Z"}) +
                        route_summary_line({.route = "reports#slow", .requests = 3, .statements_p50 = 2,
                                            .statements_p95 = 2, .statements_max = 2, .db_p50 = 200, .db_p95 = 210,
                                            .db_max = 230, .period_start = "2024-05-01T12:02:00.000Z",
                                            .period_end = "2024-05-01T12:03:00.000Z"}) +
                        summary_line("req-1", "users#index", 40) + summary_line("req-2", "reports#slow", 2),
                    ".jsonl");
  ScratchDir dir;
  const fs::path page = dir.path() / "report.html";
  const auto r = run(run_report, {findings.path(), "--format", "html", "--output", page.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const fs::path png = dir.path() / "report.png";
  const int rc = std::system(
      (chromium_command(chromium, dir.path() / "profile-shot", "--screenshot=" + png.string(), page) + " >/dev/null 2>&1")
          .c_str());
  EXPECT_EQ(rc, 0);
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10'000u);  // a rendered page, not an empty image
  std::ifstream in(png, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");

  const std::string dom = read_command_output(chromium_command(chromium, dir.path() / "profile-dom", "--dump-dom", page));
  ASSERT_FALSE(dom.empty()) << "chromium --dump-dom printed nothing";
  for (const char* text : {"pgsleuth report", "Findings by kind and fingerprint, worst first", "n_plus_one",
                           "slow_query", "Requests with the most statements", "Statements per request",
                           "Statements and db time per request, by route", "Findings per minute by kind",
                           "users#index", "reports#slow", "Load the rows in one query"}) {
    EXPECT_NE(dom.find(text), std::string::npos) << text;
  }
  // The hostile SQL is text in the DOM, never an element.
  EXPECT_NE(dom.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  // The charts are inline SVG elements in the rendered DOM.
  for (const char* chart : {"chart-timeline", "chart-route-statements", "chart-route-db-time", "chart-requests"}) {
    EXPECT_NE(dom.find(std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"") + chart + "\""),
              std::string::npos)
        << chart;
  }
  const auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = dom.find(what); at != std::string::npos; at = dom.find(what, at + 1)) ++n;
    return n;
  };
  // Two routes in two route charts, each with a p50 and a p95 bar and a max
  // tick, plus each chart's key.
  EXPECT_EQ(count("<g class=\"route\">"), 4u);
  EXPECT_EQ(count("class=\"p50\""), 2u * 3u);
  EXPECT_EQ(count("class=\"p95\""), 2u * 3u);
  // Requests chart: one bar per request. Timeline: one mark per (minute,
  // kind) with findings, and a legend entry per kind.
  EXPECT_EQ(count("class=\"bar\""), 2u);
  EXPECT_EQ(count("class=\"tl\""), 2u);
  EXPECT_EQ(count("class=\"swatch\""), 2u);
  EXPECT_EQ(dom.find("class=\"empty\""), std::string::npos);
}

}  // namespace
}  // namespace pgsleuth::report::testing
