// The contract's signals through the real binary: SIGHUP applies new
// thresholds to windows opened after it and keeps connections up, a bad file
// on reload keeps the old settings, SIGINT ends the open windows, writes
// their findings and exits 0.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "tests/detection/detection_proxy.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/pg_environment.hpp"
#include "tests/support/proxy_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test::detection {
namespace {

using namespace std::chrono_literals;

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Request summaries of `count` statements written so far.
size_t summaries_of(const std::filesystem::path& findings, int64_t count) {
  size_t n = 0;
  std::istringstream in(read_file(findings));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto f = boost::json::parse(line).as_object();
    if (f.at("kind").as_string() == "request_summary" && f.at("count").to_number<int64_t>() == count) ++n;
  }
  return n;
}

// `count` lookups with different ids: an N+1 when min_repeats <= count.
void lookup_loop(PGconn* conn, const std::string& tag, int count) {
  for (int id = 1; id <= count; ++id) {
    std::string sql = "SELECT id FROM sig_items WHERE id = " + std::to_string(id) + " /* " + tag + " */";
    PgResultPtr r(PQexec(conn, sql.c_str()));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn);
  }
}

TEST(Signals, SighupReloadsThresholdsAndSigintFlushes) {
  auto& pg = PgClusterEnvironment::cluster();
  pg.query_value("DROP TABLE IF EXISTS sig_items; CREATE TABLE sig_items (id int PRIMARY KEY); "
                 "INSERT INTO sig_items SELECT generate_series(1, 20); SELECT 1");
  TempDir dir("pgsleuth-signals-");
  const auto config = dir.path() / "pgsleuth.toml";
  // Summaries show when a window has ended, so the next loop opens a new one.
  const std::string window = "[window]\nidle_gap_ms = 300\n[output]\nrequest_summaries = true\n";
  write_file(config, window + "[n_plus_one]\nmin_repeats = 50\n");
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(pg.port());
  options.extra_args = {"--config", config.string()};
  ProxyProcess proxy(options);
  auto conn = pq_connect(proxy.conninfo());
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());

  ASSERT_NO_FATAL_FAILURE(lookup_loop(conn.get(), "before", 8));  // below 50: nothing
  ASSERT_TRUE(eventually([&] { return summaries_of(proxy.findings_path(), 8) == 1; }));

  // 3, below the default of 5, so keeping it can be told from a fallback.
  write_file(config, window + "[n_plus_one]\nmin_repeats = 3\n");
  ASSERT_EQ(kill(proxy.pid(), SIGHUP), 0);
  ASSERT_TRUE(proxy.log_says("SIGHUP: reloaded")) << proxy.stderr_text();
  ASSERT_NO_FATAL_FAILURE(lookup_loop(conn.get(), "after", 4));  // same connection, new window
  ASSERT_TRUE(eventually([&] { return summaries_of(proxy.findings_path(), 4) == 1; }));

  write_file(config, window + "[n_plus_one]\nmin_repeats = \"many\"\n");
  ASSERT_EQ(kill(proxy.pid(), SIGHUP), 0);
  ASSERT_TRUE(proxy.log_says("keeping the old settings")) << proxy.stderr_text();
  EXPECT_NE(proxy.stderr_text().find("n_plus_one.min_repeats"), std::string::npos) << proxy.stderr_text();
  ASSERT_NO_FATAL_FAILURE(lookup_loop(conn.get(), "kept", 4));  // still 3: found

  // SIGINT while the "kept" window is still open: it must be written.
  ASSERT_EQ(kill(proxy.pid(), SIGINT), 0);
  EXPECT_EQ(proxy.stop(), 0) << proxy.stderr_text();

  std::ifstream in(proxy.findings_path());
  std::vector<std::string> tags;
  for (std::string line; std::getline(in, line);) {
    auto f = boost::json::parse(line).as_object();
    if (f.at("kind").as_string() != "n_plus_one") continue;
    std::string sample(f.at("sample_sql").as_string());
    for (const char* tag : {"before", "after", "kept"}) {
      if (sample.find(std::string("/* ") + tag + " */") != std::string::npos) tags.push_back(tag);
    }
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"after", "kept"}));
}

}  // namespace
}  // namespace pgsleuth::test::detection

namespace pgsleuth::test::detection {
namespace {

// A reload applies thresholds only; keys that need a restart are named, not
// silently skipped, and the proxy goes on as it started.
TEST(Signals, SighupNamesTheChangedKeysItCannotApply) {
  auto& pg = PgClusterEnvironment::cluster();
  TempDir dir("pgsleuth-signals-");
  const auto config = dir.path() / "pgsleuth.toml";
  write_file(config, "[n_plus_one]\nmin_repeats = 5\n");
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(pg.port());
  options.extra_args = {"--config", config.string()};
  ProxyProcess proxy(options);

  write_file(config, "[n_plus_one]\nmin_repeats = 6\n[proxy]\nmax_connections = 7\n[log]\nformat = \"json\"\n");
  ASSERT_EQ(kill(proxy.pid(), SIGHUP), 0);
  ASSERT_TRUE(proxy.log_says("take effect only at restart")) << proxy.stderr_text();
  const std::string log = proxy.stderr_text();
  const auto line_start = log.rfind('\n', log.find("take effect only at restart")) + 1;
  const std::string line = log.substr(line_start, log.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("proxy.max_connections"), std::string::npos) << line;
  EXPECT_NE(line.find("log.format"), std::string::npos) << line;
  EXPECT_EQ(line.find("n_plus_one"), std::string::npos) << "a threshold is applied, not ignored: " << line;
  EXPECT_EQ(line.find("proxy.listen"), std::string::npos) << line;
  // Still text logs (the old format) and still serving.
  EXPECT_NE(line.find("[warning]"), std::string::npos) << line;
  auto conn = pq_connect(proxy.conninfo());
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  EXPECT_EQ(proxy.stop(), 0) << proxy.stderr_text();
}

}  // namespace
}  // namespace pgsleuth::test::detection
