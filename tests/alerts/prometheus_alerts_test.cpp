// A real Prometheus (Debian's prometheus package) scrapes a running pgsleuth
// in front of a real PostgreSQL, with the README's rules loaded (their
// windows shortened, the expressions the same). Real libpq traffic with
// sqlcommenter routes: orders#index runs 60 statements per request, over
// the rule's 50, health#show runs 2. The per-route alert fires for
// orders#index, read from Prometheus' HTTP API, and never for health#show.

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "tests/alerts/rules_text.hpp"
#include "tests/detection/detection_proxy.hpp"
#include "tests/support/admin_scrape.hpp"
#include "tests/support/libpq_conn.hpp"
#include "tests/support/raw_socket.hpp"

namespace pgsleuth::test::alerts {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using detection::DetectionProxy;

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

// Long enough for Prometheus to start, scrape, evaluate and hold `for:` on
// a machine whose cores are busy with other builds.
constexpr auto kAlertTimeout = 180s;

// One request: `statements` lookups with one trace id and the route.
bool request(PGconn* conn, const char* route, uint64_t trace, int statements) {
  char trace_id[33];
  std::snprintf(trace_id, sizeof trace_id, "%032llx", static_cast<unsigned long long>(trace));
  for (int i = 1; i <= statements; ++i) {
    const std::string sql = "SELECT id FROM alert_items WHERE id = " + std::to_string(i) + " /*route='" + route +
                            "',traceparent='00-" + trace_id + "-00f067aa0ba902b7-01'*/";
    PgResultPtr r(PQexec(conn, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return false;
  }
  return true;
}

// The alerts Prometheus holds now: (alertname, route label, state).
struct Alert {
  std::string name, route, state;
};
std::vector<Alert> alerts(uint16_t prometheus) {
  std::vector<Alert> out;
  boost::system::error_code error;
  const json::value doc = json::parse(admin_get(prometheus, "/api/v1/alerts"), error);
  if (error || !doc.is_object()) return out;
  const auto* data = doc.as_object().if_contains("data");
  if (!data || !data->is_object() || !data->as_object().contains("alerts")) return out;
  for (const auto& a : data->as_object().at("alerts").as_array()) {
    const auto& labels = a.at("labels").as_object();
    const auto label = [&](const char* name) {
      const auto* v = labels.if_contains(name);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    out.push_back({label("alertname"), label("route"), std::string(a.at("state").as_string())});
  }
  return out;
}

bool firing(const std::vector<Alert>& all, const std::string& name, const std::string& route) {
  for (const Alert& a : all) {
    if (a.name == name && a.route == route && a.state == "firing") return true;
  }
  return false;
}

std::string describe(const std::vector<Alert>& all) {
  std::string out;
  for (const Alert& a : all) out += a.name + "{route=\"" + a.route + "\"} " + a.state + "\n";
  return out.empty() ? "(no alerts)\n" : out;
}

// For a query string (curl would also read [] and {} as its own globs).
std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// The expression's value for one route now (the rule's left-hand side),
// or a negative number when Prometheus has none.
double p95_statements(uint16_t prometheus, const std::string& route) {
  const std::string query = "histogram_quantile(0.95, sum by (le, route) (rate(pgsleuth_request_statements_bucket{route=\"" +
                            route + "\"}[10s])))";
  boost::system::error_code error;
  const json::value doc = json::parse(admin_get(prometheus, "/api/v1/query?query=" + url_encoded(query)), error);
  if (error || !doc.is_object()) return -1;
  const auto* result = doc.as_object().if_contains("data");
  if (!result) return -1;
  const auto& series = result->at("result").as_array();
  if (series.empty()) return -1;
  const std::string value(series[0].at("value").as_array().at(1).as_string());
  try {
    return std::stod(value);  // "NaN" when no requests in the window
  } catch (...) {
    return -1;
  }
}

TEST(PrometheusAlerts, ThePerRouteRuleFiresForTheOverBudgetRouteOnly) {
  auto& pg = PgClusterEnvironment::cluster();
  pg.query_value("DROP TABLE IF EXISTS alert_items; CREATE TABLE alert_items (id int PRIMARY KEY); "
                 "INSERT INTO alert_items SELECT generate_series(1, 100); SELECT 1");
  const uint16_t admin = free_port();
  // Default settings but the admin endpoint and a short trace idle time, so
  // requests end (and reach the histogram) soon after their last statement.
  DetectionProxy proxy("[admin]\nlisten = \"127.0.0.1:" + std::to_string(admin) +
                       "\"\n[window]\ntraceparent_idle_ms = 200\n");
  ASSERT_TRUE(proxy.started());

  TempDir dir("pgsleuth-prometheus-");
  const std::string rules = rules_for_test(read_file(kRulesPath));
  ASSERT_FALSE(rules.empty()) << "the rules file no longer has the windows the test shortens";
  write_file(dir.path() / "rules.yml", rules);
  write_file(dir.path() / "prometheus.yml",
             "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
             "rule_files:\n  - " + (dir.path() / "rules.yml").string() + "\n"
             "scrape_configs:\n  - job_name: pgsleuth\n    static_configs:\n      - targets: ['127.0.0.1:" +
                 std::to_string(admin) + "']\n");
  const uint16_t prometheus_port = free_port();
  SpawnOptions options;
  options.argv = {"prometheus",
                  "--config.file=" + (dir.path() / "prometheus.yml").string(),
                  "--storage.tsdb.path=" + (dir.path() / "data").string(),
                  "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port),
                  "--log.level=warn"};
  options.stderr_path = dir.path() / "prometheus.log";
  Subprocess prometheus(options);
  ASSERT_TRUE(eventually([&] { return admin_get(prometheus_port, "/-/ready").find("Ready") != std::string::npos; },
                         kAlertTimeout))
      << read_file(dir.path() / "prometheus.log");

  // Traffic until the test has seen what it waits for: one over-budget and
  // one clean request after another, each with its own trace id.
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> requests{0};
  std::atomic<bool> client_failed{false};
  std::thread traffic([&] {
    try {
      auto conn = pq_connect(proxy.process().conninfo("postgres", "postgres", "application_name=alerts_web"));
      for (uint64_t trace = 1; !stop; trace += 2) {
        if (!request(conn.get(), "orders%23index", trace, 60) || !request(conn.get(), "health%23show", trace + 1, 2)) {
          client_failed = true;
          return;
        }
        requests += 2;
      }
    } catch (const std::exception&) {
      client_failed = true;
    }
  });
  struct Join {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Join() {
      stop = true;
      thread.join();
    }
  } join{stop, traffic};

  const auto seen = poll_until(
      [&] { return alerts(prometheus_port); },
      [&](const std::vector<Alert>& all) {
        return client_failed || (firing(all, "PgsleuthRouteQueryCount", "orders#index") &&
                                 firing(all, "PgsleuthQueryBudgetExceeded", "") &&
                                 p95_statements(prometheus_port, "health#show") >= 0);
      },
      kAlertTimeout);
  ASSERT_FALSE(client_failed) << "a client statement failed through pgsleuth";
  EXPECT_TRUE(firing(seen, "PgsleuthRouteQueryCount", "orders#index")) << describe(seen);
  EXPECT_TRUE(firing(seen, "PgsleuthQueryBudgetExceeded", "")) << describe(seen);
  // Prometheus has the clean route's series and evaluated the same
  // expression on it: well under 50, so no alert, pending or firing.
  const double clean = p95_statements(prometheus_port, "health#show");
  EXPECT_GE(clean, 0) << "Prometheus has no p95 for health#show";
  EXPECT_LT(clean, 50);
  for (const Alert& a : seen) EXPECT_NE(a.route, "health#show") << describe(seen);
  EXPECT_GT(requests.load(), 0u);
}

}  // namespace
}  // namespace pgsleuth::test::alerts
