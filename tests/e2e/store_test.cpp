// The fleet store end to end: pgsleuth instances in front of one
// PostgreSQL with `--findings postgresql://...` pointing at another, the
// store's own. Each instance also writes the same lines to a JSON Lines file
// (output.findings_copy), which is what the store must end up holding.
//
// Fleet: three instances, N+1 traffic through each at once, the store
// stopped with `pg_ctl stop -m immediate` in the middle and started again:
// every line arrives, in order, none twice, one warning per outage, and
// report/check read the store as they read the files. Overflow: a buffer of
// two lines over an outage: what is missing is what /metrics counts as
// dropped. No test sees the store's password in a log or in /metrics.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <unistd.h>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::e2e {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

namespace json = boost::json;

// The app's tables, in the cluster the instances forward to.
void create_app_tables() {
  auto& app = PgClusterEnvironment::cluster();
  app.query_value(
      "CREATE TABLE IF NOT EXISTS posts (id int PRIMARY KEY, title text);"
      "CREATE TABLE IF NOT EXISTS comments (id serial PRIMARY KEY, post_id int, body text);"
      "INSERT INTO posts SELECT g, 'post ' || g FROM generate_series(1, 6) g ON CONFLICT DO NOTHING;"
      "SELECT 1");
}

// One request with an N+1: six posts, then each post's comments one by one,
// as separate statements on one connection (one idle_gap window).
CommandResult n_plus_one_request(uint16_t proxy_port) {
  std::vector<std::string> argv = {"psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                                   make_conninfo(proxy_port, "postgres", "postgres"),
                                   "-c", "SELECT id, title FROM posts ORDER BY id"};
  for (int post = 1; post <= 6; ++post) {
    argv.push_back("-c");
    argv.push_back("SELECT id, body FROM comments WHERE post_id = " + std::to_string(post));
  }
  return run_command(argv, clean_pg_env(), std::chrono::seconds(60));
}

std::vector<json::value> lines_of(const std::string& text) {
  std::vector<json::value> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

size_t count_kind(const std::vector<json::value>& lines, std::string_view kind) {
  return std::count_if(lines.begin(), lines.end(),
                       [&](const json::value& v) { return v.as_object().at("kind").as_string() == kind; });
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string store_url(uint16_t port, const std::string& password = kScramPassword) {
  return std::string("postgresql://") + kScramUser + ":" + password + "@127.0.0.1:" + std::to_string(port) +
         "/postgres";
}

// How pgsleuth names the store in logs and reports.
std::string sinks_redacted(const std::string& url) { return replaced(url, kScramPassword, "***"); }

// One pgsleuth of the fleet.
struct Instance {
  std::string name;
  uint16_t admin_port = 0;
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<ProxyProcess> proxy;
  std::filesystem::path copy() const { return dir->path() / "copy.jsonl"; }
  std::vector<json::value> copy_lines() const { return lines_of(read_file(copy())); }
};

Instance start_instance(const std::string& name, const std::string& url, uint32_t buffer_lines) {
  Instance i;
  i.name = name;
  i.admin_port = free_port();
  i.dir = std::make_unique<TempDir>("pgsleuth-store-");
  const auto config = i.dir->path() / "pgsleuth.toml";
  write_file(config, "[output]\nmax_repeats_per_minute = 0\nstore_buffer_findings = " + std::to_string(buffer_lines) +
                         "\nfindings_copy = \"" + i.copy().string() + "\"\n[instance]\nname = \"" + name +
                         "\"\n[admin]\nlisten = \"127.0.0.1:" + std::to_string(i.admin_port) + "\"\n");
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(PgClusterEnvironment::cluster().port());
  options.extra_args = {"--config", config.string(), "--findings", url};
  i.proxy = std::make_unique<ProxyProcess>(options);
  return i;
}

// The store's lines of one instance, in the order they were written.
std::vector<json::value> store_lines(const PgCluster& store, const std::string& instance) {
  return lines_of(store.psql("SELECT finding::text FROM pgsleuth_findings WHERE instance = '" + instance +
                             "' ORDER BY id")
                      .out);
}

size_t store_count(const PgCluster& store, const std::string& instance) {
  const auto r = store.psql("SELECT count(*) FROM pgsleuth_findings WHERE instance = '" + instance + "'");
  return r.exit_code == 0 ? std::stoul(r.out) : 0;
}

// Every instance sends `requests` N+1 requests, all instances at once.
void traffic(std::vector<Instance>& fleet, int requests) {
  std::vector<std::thread> threads;
  std::vector<std::string> failures(fleet.size());
  for (size_t k = 0; k < fleet.size(); ++k) {
    threads.emplace_back([&, k] {
      for (int r = 0; r < requests; ++r) {
        const auto result = n_plus_one_request(fleet[k].proxy->port());
        if (result.exit_code != 0) failures[k] += result.err;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
}

// Until every instance's file holds `n` n_plus_one findings: analysis has
// handed them to both sinks.
void wait_for_findings(const std::vector<Instance>& fleet, size_t n) {
  for (const auto& i : fleet) {
    const auto got = poll_until([&] { return count_kind(i.copy_lines(), "n_plus_one"); },
                                [&](size_t c) { return c >= n; });
    ASSERT_EQ(got, n) << i.name << ":\n" << i.proxy->stderr_text();
  }
}

uint64_t metric_value(uint16_t admin_port, const std::string& name) {
  const std::string body = admin_get(admin_port, "/metrics");
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("\n" + name + " ([0-9]+)\n"))) return ~0ull;
  return std::stoull(m[1]);
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

CommandResult pgsleuth(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {pgsleuth_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, clean_pg_env(), std::chrono::seconds(60));
}


// The store for the scram role, which may create its table (PostgreSQL 15
// no longer lets every role create in public).
std::unique_ptr<PgCluster> start_store() {
  auto store = std::make_unique<PgCluster>();
  store->query_value(std::string("GRANT CREATE ON SCHEMA public TO ") + kScramUser + "; SELECT 1");
  return store;
}

class FleetStore : public ::testing::Test {
 protected:
  static constexpr int kBefore = 2;  // requests per instance before the outage
  static constexpr int kDuring = 3;  // ... while the store is down

  static void SetUpTestSuite() {
    create_app_tables();
    store_ = start_store().release();
    fleet_ = new std::vector<Instance>();
    for (const char* name : {"fleet-a", "fleet-b", "fleet-c"}) {
      fleet_->push_back(start_instance(name, store_url(store_->port()), 100000));
    }
    traffic(*fleet_, kBefore);
    wait_for_findings(*fleet_, kBefore);
    for (const auto& i : *fleet_) {
      // Up to now the store was up: the first lines are in.
      eventually([&] { return store_count(*store_, i.name) >= kBefore; });
    }
    store_->stop_immediate();
    traffic(*fleet_, kDuring);
    wait_for_findings(*fleet_, kBefore + kDuring);
    for (const auto& i : *fleet_) {
      outage_logged_ = outage_logged_ && i.proxy->log_says("unreachable");
      metrics_.push_back(admin_get(i.admin_port, "/metrics"));
    }
    store_->start_again();
    for (const auto& i : *fleet_) {
      eventually([&] { return store_count(*store_, i.name) >= i.copy_lines().size(); });
      back_logged_ = back_logged_ && i.proxy->log_says("reachable again");
      exits_.push_back(i.proxy->stop());
      logs_.push_back(i.proxy->stderr_text());
      union_ += read_file(i.copy());
    }
    write_file(union_path(), union_);
  }
  static void TearDownTestSuite() {
    delete fleet_;
    delete store_;
  }

  static std::filesystem::path union_path() { return dir().path() / "union.jsonl"; }
  static TempDir& dir() {
    static TempDir d("pgsleuth-store-union-");
    return d;
  }

  static PgCluster* store_;
  static std::vector<Instance>* fleet_;
  static bool outage_logged_;
  static bool back_logged_;
  static std::vector<std::string> metrics_;
  static std::vector<int> exits_;
  static std::vector<std::string> logs_;
  static std::string union_;
};

PgCluster* FleetStore::store_ = nullptr;
std::vector<Instance>* FleetStore::fleet_ = nullptr;
bool FleetStore::outage_logged_ = true;
bool FleetStore::back_logged_ = true;
std::vector<std::string> FleetStore::metrics_;
std::vector<int> FleetStore::exits_;
std::vector<std::string> FleetStore::logs_;
std::string FleetStore::union_;

TEST_F(FleetStore, EveryLineWrittenWhileTheStoreWasDownArrivesInOrderAndOnce) {
  ASSERT_EQ(fleet_->size(), 3u);
  for (size_t k = 0; k < fleet_->size(); ++k) {
    const Instance& i = (*fleet_)[k];
    EXPECT_EQ(exits_[k], 0) << logs_[k];
    const auto file = i.copy_lines();
    const auto stored = store_lines(*store_, i.name);
    EXPECT_EQ(count_kind(file, "n_plus_one"), static_cast<size_t>(kBefore + kDuring)) << i.name;
    EXPECT_GE(count_kind(file, "route_summary"), 1u) << i.name;
    ASSERT_EQ(stored.size(), file.size()) << i.name << "\n" << logs_[k];
    for (size_t n = 0; n < file.size(); ++n) {
      // The finding column is the line, field for field.
      EXPECT_EQ(stored[n], file[n]) << i.name << " line " << n + 1;
      EXPECT_EQ(file[n].as_object().at("instance").as_string(), i.name);
    }
  }
  // The store's columns come from the line.
  EXPECT_EQ(store_->query_value("SELECT count(*) FROM pgsleuth_findings WHERE kind IS DISTINCT FROM finding->>'kind' "
                                "OR instance IS DISTINCT FROM finding->>'instance' "
                                "OR ts IS DISTINCT FROM (finding->>'ts')::timestamptz "
                                "OR fingerprint IS DISTINCT FROM finding->>'fingerprint'"),
            "0");
  EXPECT_EQ(store_->query_value("SELECT count(*) FROM (SELECT run_id, seq FROM pgsleuth_findings "
                                "GROUP BY 1, 2 HAVING count(*) > 1) d"),
            "0");
}

TEST_F(FleetStore, TheTableHasTheContractsColumnsAndIndexes) {
  EXPECT_EQ(store_->query_value("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
                                "FROM information_schema.columns WHERE table_name = 'pgsleuth_findings'"),
            "id bigint, ts timestamp with time zone, instance text, kind text, severity text, fingerprint text, "
            "route text, request_id text, database text, application_name text, finding jsonb, run_id text, "
            "seq bigint");
  const std::string indexes = store_->query_value(
      "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'pgsleuth_findings'");
  EXPECT_NE(indexes.find("(ts)"), std::string::npos) << indexes;
  EXPECT_NE(indexes.find("(kind, fingerprint)"), std::string::npos) << indexes;
  EXPECT_NE(indexes.find("UNIQUE INDEX pgsleuth_findings_pkey ON public.pgsleuth_findings USING btree (id)"),
            std::string::npos)
      << indexes;
}

TEST_F(FleetStore, EachOutageIsLoggedOnceAndItsEnd) {
  EXPECT_TRUE(outage_logged_);
  EXPECT_TRUE(back_logged_);
  for (const std::string& log : logs_) {
    EXPECT_EQ(occurrences(log, "unreachable or failing ("), 1u) << log;
    EXPECT_EQ(occurrences(log, "reachable again"), 1u) << log;
  }
}

TEST_F(FleetStore, ThePasswordIsInNoLogAndNoMetric) {
  ASSERT_EQ(metrics_.size(), 3u);
  for (const std::string& m : metrics_) {
    EXPECT_NE(m.find("pgsleuth_store_waiting"), std::string::npos) << m;
    EXPECT_EQ(m.find(kScramPassword), std::string::npos) << m;
  }
  for (const std::string& log : logs_) {
    EXPECT_NE(log.find(std::string(kScramUser) + ":***@"), std::string::npos) << log;
    EXPECT_EQ(log.find(kScramPassword), std::string::npos) << log;
  }
}

TEST_F(FleetStore, ReportOnTheStoreEqualsTheReportOnTheUnionOfTheFiles) {
  const std::string url = store_url(store_->port());
  const std::string shown = sinks_redacted(url);
  for (const char* format : {"json", "text"}) {
    const auto from_store = pgsleuth({"report", url, "--format", format});
    const auto from_files = pgsleuth({"report", union_path().string(), "--format", format});
    ASSERT_EQ(from_store.exit_code, 0) << from_store.err;
    ASSERT_EQ(from_files.exit_code, 0) << from_files.err;
    EXPECT_EQ(from_store.out.find(kScramPassword), std::string::npos);
    EXPECT_EQ(replaced(from_store.out, shown, "SOURCE"), replaced(from_files.out, union_path().string(), "SOURCE"))
        << format;
  }
}

TEST_F(FleetStore, CheckOnTheStoreEqualsCheckOnTheUnionOfTheFilesBaselineIncluded) {
  const std::string url = store_url(store_->port());
  const std::string shown = sinks_redacted(url);
  const auto same = [&](const std::vector<std::string>& tail, int exit_code) {
    std::vector<std::string> on_store = {"check", url};
    std::vector<std::string> on_files = {"check", union_path().string()};
    on_store.insert(on_store.end(), tail.begin(), tail.end());
    on_files.insert(on_files.end(), tail.begin(), tail.end());
    const auto a = pgsleuth(on_store);
    const auto b = pgsleuth(on_files);
    EXPECT_EQ(a.exit_code, exit_code) << a.out << a.err;
    EXPECT_EQ(b.exit_code, exit_code) << b.out << b.err;
    EXPECT_EQ(replaced(a.out, shown, "SOURCE"), replaced(b.out, union_path().string(), "SOURCE"));
    EXPECT_EQ(a.out.find(kScramPassword), std::string::npos) << a.out;
  };
  same({}, 1);  // n_plus_one fails a check by default
  same({"--fail-on", "none"}, 0);
  same({"--since", "1h"}, 1);
  same({"--instance", "fleet-b"}, 1);
  same({"--instance", "no-such-instance"}, 0);

  // A baseline made from the store passes the store and the files.
  const auto baseline = pgsleuth({"baseline", url});
  ASSERT_EQ(baseline.exit_code, 0) << baseline.err;
  const auto from_files = pgsleuth({"baseline", union_path().string()});
  EXPECT_EQ(baseline.out, from_files.out);
  write_file(dir().path() / "baseline.json", baseline.out);
  same({"--baseline", (dir().path() / "baseline.json").string()}, 0);
}

TEST_F(FleetStore, InstanceFiltersOneInstanceOfTheStoreAsItsOwnFile) {
  const std::string url = store_url(store_->port());
  for (const Instance& i : *fleet_) {
    const auto a = pgsleuth({"report", url, "--instance", i.name, "--format", "json"});
    const auto b = pgsleuth({"report", i.copy().string(), "--format", "json"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(replaced(a.out, sinks_redacted(url), "SOURCE"), replaced(b.out, i.copy().string(), "SOURCE"));
  }
}

TEST(StoreOverflow, WhatIsMissingIsWhatTheDropCounterCounts) {
  create_app_tables();
  auto store = start_store();
  std::vector<Instance> fleet;
  fleet.push_back(start_instance("small-buffer", store_url(store->port()), 2));
  traffic(fleet, 1);
  wait_for_findings(fleet, 1);
  ASSERT_TRUE(eventually([&] { return store_count(*store, "small-buffer") >= 1; }));
  store->stop_immediate();
  constexpr int kDuring = 8;
  traffic(fleet, kDuring);
  wait_for_findings(fleet, 1 + kDuring);
  const Instance& i = fleet[0];
  // Every finding of the outage has been handed over: the count is final.
  const uint64_t dropped = metric_value(i.admin_port, "pgsleuth_store_dropped_total");
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, static_cast<uint64_t>(kDuring));
  store->start_again();
  const size_t findings_in_file = count_kind(i.copy_lines(), "n_plus_one");
  ASSERT_TRUE(eventually([&] { return store_count(*store, i.name) + dropped >= findings_in_file; }))
      << i.proxy->stderr_text();
  EXPECT_EQ(metric_value(i.admin_port, "pgsleuth_store_dropped_total"), dropped);
  EXPECT_TRUE(i.proxy->log_says("dropping the oldest"));
  EXPECT_EQ(i.proxy->stop(), 0) << i.proxy->stderr_text();

  // The store holds a subsequence of the file, in order: what was written
  // before the outage, the batch the writer held through it, then what the
  // buffer kept, the newest; the rest of the outage's lines, the oldest,
  // dropped.
  const auto file = i.copy_lines();
  const auto stored = store_lines(*store, i.name);
  std::vector<json::value> file_findings, stored_findings;
  for (const auto& v : file) {
    if (v.as_object().at("kind").as_string() == "n_plus_one") file_findings.push_back(v);
  }
  for (const auto& v : stored) {
    if (v.as_object().at("kind").as_string() == "n_plus_one") stored_findings.push_back(v);
  }
  EXPECT_EQ(stored_findings.size() + dropped, file_findings.size());
  size_t at = 0;
  for (const auto& v : stored_findings) {
    while (at < file_findings.size() && !(file_findings[at] == v)) ++at;
    ASSERT_LT(at, file_findings.size()) << "a stored line out of order or not in the file: " << json::serialize(v);
    ++at;
  }
  EXPECT_EQ(stored_findings.back(), file_findings.back());  // the newest survives
  EXPECT_EQ(count_kind(stored, "route_summary"), count_kind(file, "route_summary"));
}

TEST(Instance, WithoutANameAFindingNamesTheHostAndTheListenPort) {
  create_app_tables();
  auto proxy = start_proxy_to(PgClusterEnvironment::cluster().port());
  ASSERT_EQ(n_plus_one_request(proxy->port()).exit_code, 0);
  const auto lines = poll_until([&] { return lines_of(read_file(proxy->findings_path())); },
                                [](const auto& l) { return count_kind(l, "n_plus_one") > 0; });
  ASSERT_GT(count_kind(lines, "n_plus_one"), 0u) << proxy->stderr_text();
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  for (const auto& line : lines) {
    EXPECT_EQ(line.as_object().at("instance").as_string(), std::string(host) + ":" + std::to_string(proxy->port()));
  }
  EXPECT_EQ(proxy->stop(), 0);
}

TEST(StoreUrl, OneLibpqCannotParseStopsTheStartWithExit2AndNoPassword) {
  const auto r = run_command({pgsleuth_binary(), "--listen", "127.0.0.1:" + std::to_string(free_port()), "--findings",
                              "postgresql://app:hunter2@127.0.0.1:1/db?no_such_option=1"},
                             clean_pg_env(), std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("output.findings 'postgresql://app:***@127.0.0.1:1/db?no_such_option=1'"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;

  // --check-config says the same of the config file's key.
  TempDir dir("pgsleuth-store-url-");
  write_file(dir.path() / "bad.toml",
             "[output]\nfindings_copy = \"postgresql://app:hunter2@127.0.0.1:1/db?no_such_option=1\"\n");
  const auto checked = run_command({pgsleuth_binary(), "--check-config", (dir.path() / "bad.toml").string()},
                                   clean_pg_env(), std::chrono::seconds(20));
  EXPECT_EQ(checked.exit_code, 2) << checked.out << checked.err;
  EXPECT_NE(checked.err.find("output.findings_copy 'postgresql://app:***@"), std::string::npos) << checked.err;
  EXPECT_EQ(checked.err.find("hunter2"), std::string::npos) << checked.err;
}

}  // namespace
}  // namespace pgsleuth::test::e2e
