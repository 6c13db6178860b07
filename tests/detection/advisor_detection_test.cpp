// The index advisor end to end: real clients (psycopg2, asyncpg) through
// pgsleuth in front of PostgreSQL 15 with Debian's HypoPG, and the
// missing_index findings it writes (clients/advisor_workload.py).
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/detection/detection_proxy.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

// adv_orders: 200,000 rows, only a primary key. Its twin has an index on
// customer_id; adv_small is below min_table_rows.
constexpr const char* kTables = R"(
CREATE TABLE adv_orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL,
                         region int NOT NULL, created_at timestamptz NOT NULL, total numeric NOT NULL);
INSERT INTO adv_orders
  SELECT g, g % 5000, (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4], g % 100,
         '2026-01-01 00:00:00+00'::timestamptz + g * interval '1 minute', g % 1000
  FROM generate_series(1, 200000) g;
CREATE TABLE adv_orders_indexed AS SELECT * FROM adv_orders;
ALTER TABLE adv_orders_indexed ADD PRIMARY KEY (id);
CREATE INDEX ON adv_orders_indexed (customer_id);
CREATE TABLE adv_small AS SELECT id, customer_id FROM adv_orders WHERE id <= 1000;
CREATE TABLE adv_customers (id int PRIMARY KEY);
INSERT INTO adv_customers SELECT generate_series(0, 49);
GRANT SELECT ON ALL TABLES IN SCHEMA public TO adv_reader;
ANALYZE;
)";

class AdvisorDetection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto& pg = PgClusterEnvironment::cluster();
    pg.query_value("CREATE ROLE adv_reader LOGIN; CREATE ROLE adv_norights LOGIN; SELECT 1");
    for (const char* db : {"adv_hypo", "adv_plain"}) {
      // Alone: CREATE DATABASE cannot run in psql -c's implicit transaction.
      const auto created = pg.psql(std::string("CREATE DATABASE ") + db);
      ASSERT_EQ(created.exit_code, 0) << created.err;
    }
    pg.query_value("CREATE EXTENSION hypopg; SELECT 1", "adv_hypo");
    pg.query_value(std::string(kTables) + "SELECT 1", "adv_hypo");
    pg.query_value(std::string(kTables) + "SELECT 1", "adv_plain");
  }
};

// Every statement a candidate (min_total_ms = 1), so the twin and the small
// table are explained too and make nothing on their own merits.
std::string config(const std::string& user, uint16_t admin, const std::string& extra = {}) {
  return std::string(kBaseConfig) + "\n[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin) +
         "\"\n\n[advisor]\nenabled = true\nuser = \"" + user +
         "\"\nmin_total_ms = 1\nmax_explains_per_minute = 1000\n" + extra;
}

std::vector<std::string> strings(const json::object& line, const char* field) {
  std::vector<std::string> out;
  if (const auto* v = line.if_contains(field); v && v->is_array()) {
    for (const auto& item : v->as_array()) out.emplace_back(item.is_string() ? item.as_string().c_str() : "?");
  }
  return out;
}

// The missing_index finding whose sample_sql contains `sql_part`; empty
// (after a failure) unless there is exactly one.
json::object suggestion_for(const Findings& findings, const std::string& sql_part) {
  Findings matching;
  for (const auto& f : of_kind(findings, "missing_index")) {
    if (text(f, "sample_sql").find(sql_part) != std::string::npos) matching.push_back(f);
  }
  EXPECT_EQ(matching.size(), 1u) << sql_part << " in " << dump(of_kind(findings, "missing_index"));
  return matching.size() == 1 ? matching.front() : json::object{};
}

double number(const json::object& line, const char* field) {
  const auto* v = line.if_contains(field);
  return v && v->is_number() ? v->to_number<double>() : -1;
}

// One pgsleuth with HypoPG's database behind it, for the psycopg2 scenarios
// and the asyncpg loop: five missing_index findings from psycopg2, one
// from asyncpg, none for the indexed twin's own lookup or the small table.
constexpr size_t kHypoFindings = 6;
struct HypoRun {
  Findings findings;
  std::string findings_text;
};

const HypoRun& hypo_run() {
  static const HypoRun run = [] {
    HypoRun r;
    const uint16_t admin = free_port();
    DetectionProxy proxy(config("adv_reader", admin));
    if (!proxy.started()) return r;
    proxy.run_client("advisor_workload.py", "hypo", "advisor_hypo");
    proxy.run_client("advisor_workload.py", "asyncpg", "advisor_asyncpg");
    // The advisor takes its candidates in order, so once the last one's
    // finding is written every earlier candidate has been explained.
    EXPECT_TRUE(metric_reaches(admin, "pgsleuth_findings_total{kind=\"missing_index\"} " + std::to_string(kHypoFindings),
                               std::chrono::seconds(60)));
    r.findings = proxy.finish();
    r.findings_text = proxy.findings_text();
    return r;
  }();
  return run;
}

TEST_F(AdvisorDetection, NPlusOneOnAnUnindexedColumnIsAMissingIndexVerifiedWithHypoPG) {
  const auto& findings = hypo_run().findings;
  const auto f = suggestion_for(findings, "FROM adv_orders WHERE customer_id =");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "relation"), "public.adv_orders");
  EXPECT_EQ(strings(f, "columns"), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(text(f, "ddl"), "CREATE INDEX CONCURRENTLY ON public.adv_orders (customer_id)");
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
  EXPECT_GT(number(f, "cost_before"), 0);
  EXPECT_GT(number(f, "cost_before"), 2 * number(f, "cost_after"));
  EXPECT_GT(number(f, "cost_after"), 0);
  EXPECT_EQ(text(f, "database"), "adv_hypo");
  EXPECT_EQ(text(f, "application_name"), "advisor_hypo");
  EXPECT_GE(integer(f, "count"), 12);  // the N+1's children, counted together
  const auto plan = strings(f, "plan");
  EXPECT_TRUE(std::any_of(plan.begin(), plan.end(), [](const std::string& line) {
    return line.find("Seq Scan on public.adv_orders") != std::string::npos &&
           line.find("Filter: (adv_orders.customer_id = ") != std::string::npos;
  })) << json::serialize(f.at("plan"));
  EXPECT_NE(text(f, "suggestion").find("CREATE INDEX CONCURRENTLY ON public.adv_orders (customer_id)"),
            std::string::npos);
  EXPECT_NE(text(f, "message").find("public.adv_orders (200000 rows)"), std::string::npos);
  // The N+1 itself is still reported.
  EXPECT_FALSE(of_kind(findings, "n_plus_one").empty()) << dump(findings);
}

TEST_F(AdvisorDetection, IndexedTwinAndSmallTableMakeNoFinding) {
  for (const auto& f : of_kind(hypo_run().findings, "missing_index")) {
    EXPECT_EQ(text(f, "sample_sql").rfind("SELECT id, total FROM adv_orders_indexed", 0), std::string::npos)
        << json::serialize(f);
    EXPECT_NE(text(f, "relation"), "public.adv_small") << json::serialize(f);
  }
  EXPECT_EQ(of_kind(hypo_run().findings, "missing_index").size(), kHypoFindings) << dump(hypo_run().findings);
}

TEST_F(AdvisorDetection, JoinColumnWithoutAnIndexIsFound) {
  const auto f = suggestion_for(hypo_run().findings, "JOIN adv_orders o ON o.customer_id = c.id");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "relation"), "public.adv_orders");
  EXPECT_EQ(strings(f, "columns"), std::vector<std::string>{"customer_id"});
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
  EXPECT_GT(number(f, "cost_before"), 2 * number(f, "cost_after"));
}

// The twin's index on customer_id serves the lookup, its Filter on region
// does the rest: HypoPG says the composite halves the estimate.
TEST_F(AdvisorDetection, IndexScanWhoseFilterDoesTheRestIsExtended) {
  const auto f = suggestion_for(hypo_run().findings, "FROM adv_orders_indexed WHERE customer_id = ");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(strings(f, "columns"), (std::vector<std::string>{"customer_id", "region"}));
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
}

TEST_F(AdvisorDetection, TwoEqualitiesAndARangeMakeACompositeInThatOrder) {
  const auto f = suggestion_for(hypo_run().findings, "WHERE status = 'paid' AND region = 3");
  EXPECT_EQ(strings(f, "columns"), (std::vector<std::string>{"status", "region", "created_at"})) << json::serialize(f);
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
}

TEST_F(AdvisorDetection, OrderByLimitWithoutAnIndexSuggestsTheOrderColumn) {
  const auto f = suggestion_for(hypo_run().findings, "ORDER BY created_at DESC LIMIT 10");
  EXPECT_EQ(strings(f, "columns"), std::vector<std::string>{"created_at"}) << json::serialize(f);
  EXPECT_EQ(text(f, "ddl"), "CREATE INDEX CONCURRENTLY ON public.adv_orders (created_at DESC)");
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
}

TEST_F(AdvisorDetection, AsyncpgBinaryParametersAreExplainedWithTheirDecodedValues) {
  const auto f = suggestion_for(hypo_run().findings, "WHERE region = $1 AND created_at > $2");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(strings(f, "columns"), (std::vector<std::string>{"region", "created_at"}));
  EXPECT_EQ(text(f, "verified_with"), "hypopg");
  const auto params = strings(f, "sample_params");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[1], "2026-06-01 00:00:00+00");
  // The plan shows the values the statement ran with, not $n.
  const auto plan = strings(f, "plan");
  EXPECT_TRUE(std::any_of(plan.begin(), plan.end(), [](const std::string& line) {
    return line.find("'2026-06-01 00:00:00+00'::timestamp with time zone") != std::string::npos;
  })) << json::serialize(f.at("plan"));
}

TEST_F(AdvisorDetection, ReportShowsTheDdl) {
  TempDir dir("pgsleuth-advisor-report-");
  const auto path = dir.path() / "findings.jsonl";
  write_file(path, hypo_run().findings_text);
  const auto report = run_command({pgsleuth_binary(), "report", path.string()}, {}, std::chrono::seconds(60));
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("CREATE INDEX CONCURRENTLY ON public.adv_orders (customer_id)"), std::string::npos)
      << report.out;
}

TEST_F(AdvisorDetection, WithoutHypoPGTheFindingIsUnverifiedAndOneSeverityLower) {
  const uint16_t admin = free_port();
  DetectionProxy proxy(config("adv_reader", admin));
  ASSERT_TRUE(proxy.started());
  proxy.run_client("advisor_workload.py", "plain", "advisor_plain");
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_findings_total{kind=\"missing_index\"} 1", std::chrono::seconds(60)));
  const auto findings = proxy.finish();
  const auto f = suggestion_for(findings, "FROM adv_orders WHERE customer_id =");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(strings(f, "columns"), std::vector<std::string>{"customer_id"});
  EXPECT_TRUE(f.at("cost_after").is_null());
  EXPECT_TRUE(f.at("verified_with").is_null());
  EXPECT_GT(number(f, "cost_before"), 0);
  EXPECT_EQ(text(f, "database"), "adv_plain");
  // One below what the statement's server time makes a verified finding
  // (missing_index_finding.cpp): medium under 1 s, high under 10 s, else critical.
  const std::string message = text(f, "message");
  const auto ms_at = message.rfind(" ms so far");
  ASSERT_NE(ms_at, std::string::npos) << message;
  const double ms = std::stod(message.substr(message.rfind(' ', ms_at - 1) + 1));
  EXPECT_EQ(text(f, "severity"), ms >= 10'000 ? "high" : ms >= 1'000 ? "medium" : "low") << message;
}

// The advisor's role may not read the table: EXPLAIN fails with permission
// denied. The client sees its rows as always, the other findings come, and
// the metric and the log say why.
TEST_F(AdvisorDetection, AdvisorWithoutRightsLeavesClientsAndOtherFindingsAlone) {
  const uint16_t admin = free_port();
  DetectionProxy proxy(config("adv_norights", admin));
  ASSERT_TRUE(proxy.started());
  const std::string through_proxy = proxy.run_client("advisor_workload.py", "n_plus_one", "advisor_norights");
  EXPECT_NE(through_proxy.find("[("), std::string::npos) << through_proxy;  // rows came back
  EXPECT_FALSE(of_kind(proxy.wait_for("n_plus_one"), "n_plus_one").empty());
  EXPECT_TRUE(proxy.process().log_says("index advisor: database adv_hypo: EXPLAIN failed: permission denied"));
  const std::string body = admin_get(admin, "/metrics");
  EXPECT_NE(body.find("pgsleuth_advisor_faults_total{cause=\"permission\"} "), std::string::npos) << body;
  EXPECT_EQ(body.find("pgsleuth_advisor_faults_total{cause=\"permission\"} 0\n"), std::string::npos) << body;
  const auto findings = proxy.finish();
  EXPECT_TRUE(of_kind(findings, "missing_index").empty()) << dump(findings);
  // Logged once per cause and database, however many statements failed.
  const std::string log = proxy.process().stderr_text();
  size_t lines = 0;
  for (size_t at = log.find("EXPLAIN failed: permission denied"); at != std::string::npos;
       at = log.find("EXPLAIN failed: permission denied", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
}

// A login the server refuses (wrong password) is a login fault, logged once,
// and not retried in a loop.
TEST_F(AdvisorDetection, WrongPasswordIsALoginFaultLoggedOnce) {
  const uint16_t admin = free_port();
  TempDir dir("pgsleuth-advisor-password-");
  const auto password = dir.path() / "password";
  write_file(password, "not-the-password\n");
  DetectionProxy proxy(config(kScramUser, admin, "password_file = \"" + password.string() + "\"\n"));
  ASSERT_TRUE(proxy.started());
  proxy.run_client("advisor_workload.py", "n_plus_one", "advisor_password");
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_advisor_faults_total{cause=\"login\"} 1", std::chrono::seconds(60)));
  EXPECT_TRUE(proxy.process().log_says("cannot log in as scram_user"));
  const auto findings = proxy.finish();
  EXPECT_FALSE(of_kind(findings, "n_plus_one").empty()) << dump(findings);
  EXPECT_TRUE(of_kind(findings, "missing_index").empty()) << dump(findings);
}

// An EXPLAIN that outlives advisor.statement_timeout_ms (a 60-way join takes
// milliseconds to plan; the timeout is 1 ms) is a timeout fault, counted
// and logged, and the client's own statement is untouched.
TEST_F(AdvisorDetection, StatementTimeoutIsATimeoutFault) {
  const uint16_t admin = free_port();
  DetectionProxy proxy(config("adv_reader", admin, "statement_timeout_ms = 1\n"));
  ASSERT_TRUE(proxy.started());
  EXPECT_EQ(proxy.run_client("advisor_workload.py", "slow_plan", "advisor_timeout"), "1\n");
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_advisor_faults_total{cause=\"timeout\"} 1", std::chrono::seconds(60)));
  EXPECT_TRUE(proxy.process().log_says("(timeout;"));
  EXPECT_TRUE(of_kind(proxy.finish(), "missing_index").empty());
}

// The advisor's connection is terminated between two candidates: the next
// one finds it dead, counts connection_lost, logs in again once and is
// explained; clients notice nothing.
TEST_F(AdvisorDetection, ConnectionDyingMidRunIsCountedAndTheAdvisorLogsInAgain) {
  auto& pg = PgClusterEnvironment::cluster();
  const uint16_t admin = free_port();
  DetectionProxy proxy(config("adv_reader", admin));
  ASSERT_TRUE(proxy.started());
  proxy.run_client("advisor_workload.py", "n_plus_one", "advisor_before_kill");
  ASSERT_TRUE(metric_reaches(admin, "pgsleuth_findings_total{kind=\"missing_index\"} 1", std::chrono::seconds(60)));
  EXPECT_EQ(pg.query_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE application_name = 'pgsleuth advisor'"),
            "1");
  proxy.run_client("advisor_workload.py", "asyncpg", "advisor_after_kill");
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_findings_total{kind=\"missing_index\"} 2", std::chrono::seconds(60)));
  EXPECT_TRUE(metric_reaches(admin, "pgsleuth_advisor_faults_total{cause=\"connection_lost\"} 1"));
  EXPECT_TRUE(proxy.process().log_says("(connection_lost;"));
  const auto findings = proxy.finish();
  suggestion_for(findings, "WHERE region = $1 AND created_at > $2");
}

}  // namespace
}  // namespace pgsleuth::test::detection
