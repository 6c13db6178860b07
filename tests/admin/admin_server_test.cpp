#include "admin/admin_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "admin/latency_histogram.hpp"
#include "admin/metrics_exposition.hpp"
#include "app/app_metrics.hpp"
#include "findings/finding_kind.hpp"
#include "proxy/proxy_metrics.hpp"
#include "admin/recent_ring.hpp"

namespace pgsleuth::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

tcp::socket connect_to(asio::io_context& io, uint16_t port) {
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  return socket;
}

Reply request(uint16_t port, http::verb verb, const std::string& target) {
  asio::io_context io;
  tcp::socket socket = connect_to(io, port);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return {res.result_int(), std::string(res[http::field::content_type]), res.body()};
}

// True when the server closes the connection (reads EOF) without replying.
bool closed_without_reply(tcp::socket& socket) {
  char byte;
  boost::system::error_code ec;
  const size_t n = socket.read_some(asio::buffer(&byte, 1), ec);
  return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
}

// Through the real tables (header-only), so the names asserted below are
// the ones pgsleuth serves.
MetricsSnapshot sample_snapshot() {
  using proxy::ProxyMetric;
  using app::AppMetric;
  proxy::ProxyCounters p;
  p[ProxyMetric::ConnectionsActive] = 3;
  p[ProxyMetric::ConnectionsTotal] = 40;
  p[ProxyMetric::BytesFromClients] = 1000;
  p[ProxyMetric::BytesFromServers] = 50000;
  p[ProxyMetric::EventsDropped] = 1;
  p[ProxyMetric::ProtocolErrors] = 2;
  p[ProxyMetric::UpstreamConnectFailures] = 5;
  p[ProxyMetric::ConnectionsRefused] = 6;
  MetricValues<AppMetric> a;
  a[AppMetric::FingerprintCacheHits] = 80;
  a[AppMetric::FingerprintCacheMisses] = 15;
  a[AppMetric::WindowsOpen] = 4;
  a[AppMetric::ConfigReloads] = 7;
  std::map<std::string, uint64_t> findings;
  for (const auto& k : findings::kKinds) findings[std::string(k.name)] = 0;  // as FindingRouter counts
  findings["n_plus_one"] = 2;
  findings["query_budget_exceeded"] = 1;
  LatencyHistogram h;
  h.observe(0.002);
  h.observe(0.2);

  MetricsSnapshot s;
  s.add(proxy::kProxyMetrics, p);
  s.metrics.emplace_back(LabelledMetric{app::kStatementsByKind, {{"select", 90}, {"insert", 5}}});
  s.metrics.emplace_back(LabelledMetric{app::kFindingsByKind, findings});
  s.metrics.emplace_back(HistogramMetric{app::kStatementDuration, h.snapshot()});
  HistogramSnapshot per_request{{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}, {0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0}, 80};
  s.metrics.emplace_back(LabelledHistogramMetric{app::kRequestStatements, {{"books#index", per_request}}});
  s.add(app::kAppMetrics, a);
  return s;
}

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    findings_.push(boost::json::object{{"kind", "n_plus_one"}, {"n", 1}});
    findings_.push(boost::json::object{{"kind", "duplicate_query"}, {"n", 2}});
    requests_.push(boost::json::object{{"kind", "request_summary"}, {"count", 12}});
    server_ = std::make_unique<AdminServer>(
        "127.0.0.1:0",
        Handlers{[] { return render_metrics(sample_snapshot()); }, [this] { return findings_.newest_first(); },
                 [this] { return requests_.newest_first(); }, {}},
        AdminLimits{4, 4096, std::chrono::milliseconds(300)});
    server_->start();
    ASSERT_NE(server_->port(), 0);
  }

  RecentRing findings_{10};
  RecentRing requests_{10};
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, Healthz) {
  const Reply r = request(server_->port(), http::verb::get, "/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
}

TEST_F(AdminServerTest, FindingsAndRequestsAreJsonNewestFirst) {
  Reply r = request(server_->port(), http::verb::get, "/findings");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  const boost::json::array findings = boost::json::parse(r.body).as_array();
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].at("kind").as_string(), "duplicate_query");
  r = request(server_->port(), http::verb::get, "/requests?limit=5");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(boost::json::parse(r.body).as_array().at(0).at("count").as_int64(), 12);
}

TEST_F(AdminServerTest, UnknownPathAndMethod) {
  EXPECT_EQ(request(server_->port(), http::verb::get, "/nope").status, 404u);
  EXPECT_EQ(request(server_->port(), http::verb::post, "/metrics").status, 405u);
  EXPECT_EQ(request(server_->port(), http::verb::delete_, "/findings").status, 405u);
}

TEST_F(AdminServerTest, KeepAliveServesSeveralRequests) {
  asio::io_context io;
  tcp::socket socket = connect_to(io, server_->port());
  beast::flat_buffer buffer;
  for (const char* target : {"/healthz", "/findings", "/healthz"}) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    EXPECT_EQ(res.result_int(), 200u) << target;
  }
}

TEST_F(AdminServerTest, OversizedRequestIsDropped) {
  asio::io_context io;
  tcp::socket socket = connect_to(io, server_->port());
  const std::string huge = "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n";
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(huge), ec);
  EXPECT_TRUE(closed_without_reply(socket));
  EXPECT_EQ(request(server_->port(), http::verb::get, "/healthz").status, 200u);  // still serving
}

TEST_F(AdminServerTest, GarbageIsDropped) {
  asio::io_context io;
  tcp::socket socket = connect_to(io, server_->port());
  asio::write(socket, asio::buffer(std::string("\x16\x03\x01 not http at all\r\n\r\n")));
  EXPECT_TRUE(closed_without_reply(socket));
}

// Every path is a GET: a request announcing a body is closed after its
// header. The chunked one is what fuzz_admin_http found tripping an assert
// inside Boost 1.81's chunk parser.
TEST_F(AdminServerTest, RequestWithABodyIsDropped) {
  for (const std::string bytes : {"GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked: chunked\r\n\r\n0;\r\n",
                                  "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                                  "GET /healthz HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"}) {
    asio::io_context io;
    tcp::socket socket = connect_to(io, server_->port());
    asio::write(socket, asio::buffer(bytes));
    EXPECT_TRUE(closed_without_reply(socket)) << bytes;
  }
  EXPECT_EQ(request(server_->port(), http::verb::get, "/healthz").status, 200u);  // still serving
}

TEST_F(AdminServerTest, IdleConnectionTimesOut) {
  asio::io_context io;
  tcp::socket socket = connect_to(io, server_->port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_without_reply(socket));  // the server ends it after its 300 ms timeout
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST_F(AdminServerTest, ConnectionLimit) {
  asio::io_context io;
  std::vector<tcp::socket> held;
  beast::flat_buffer buffer;
  for (int i = 0; i < 4; ++i) {
    // A request answered on each proves the server holds it as a session.
    held.push_back(connect_to(io, server_->port()));
    http::write(held.back(), http::request<http::empty_body>{http::verb::get, "/healthz", 11});
    http::response<http::string_body> res;
    http::read(held.back(), buffer, res);
    ASSERT_EQ(res.result_int(), 200u);
  }
  tcp::socket fifth = connect_to(io, server_->port());
  EXPECT_TRUE(closed_without_reply(fifth));
  held.clear();  // closing them frees the slots
  unsigned status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    try {
      status = request(server_->port(), http::verb::get, "/healthz").status;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(status, 200u);
}

TEST_F(AdminServerTest, HandlerErrorIs500) {
  AdminServer failing("127.0.0.1:0", Handlers{[]() -> std::string { throw std::runtime_error("boom"); }, {}, {}, {}});
  failing.start();
  const Reply r = request(failing.port(), http::verb::get, "/metrics");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.body, "error: boom\n");
  EXPECT_EQ(request(failing.port(), http::verb::get, "/findings").status, 404u);  // no handler
}

TEST(AdminServer, BindErrorsAreClear) {
  AdminServer first("127.0.0.1:0", {});
  first.start();
  AdminServer second("127.0.0.1:" + std::to_string(first.port()), {});
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const AdminError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen: Address already in use"), std::string::npos) << e.what();
  }
  AdminServer bad("localhost", {});
  EXPECT_THROW(bad.start(), AdminError);
  AdminServer ipv6("[::1]:0", {});
  try {
    ipv6.start();
    EXPECT_NE(ipv6.port(), 0);
  } catch (const AdminError& e) {
    GTEST_LOG_(INFO) << "no IPv6 loopback here: " << e.what();
  }
  first.stop();
  first.stop();  // idempotent
}

// Parses /metrics line by line: every family has HELP then TYPE before its
// samples, names follow the conventions, counters end in _total, every
// sample belongs to the family announced before it.
TEST_F(AdminServerTest, MetricsFollowPrometheusConventions) {
  const Reply r = request(server_->port(), http::verb::get, "/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  ASSERT_FALSE(r.body.empty());
  ASSERT_EQ(r.body.back(), '\n');

  const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  const std::regex help_re("# HELP ([^ ]+) .+");
  const std::regex type_re("# TYPE ([^ ]+) (counter|gauge|histogram|summary|untyped)");
  const std::regex sample_re(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (\S+))");
  std::istringstream in(r.body);
  std::string line, help_name, family, type;
  std::set<std::string> families;
  size_t samples = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help_re)) {
      help_name = m[1];
      ASSERT_TRUE(std::regex_match(help_name, name_re)) << line;
      ASSERT_EQ(help_name.rfind("pgsleuth_", 0), 0u) << line;
      ASSERT_TRUE(families.insert(help_name).second) << "family twice: " << line;
    } else if (std::regex_match(line, m, type_re)) {
      ASSERT_EQ(m[1], help_name) << "TYPE without HELP just before: " << line;
      family = m[1];
      type = m[2];
      EXPECT_EQ(family.ends_with("_total"), type == "counter") << "only counters end in _total: " << family;
    } else {
      ASSERT_TRUE(std::regex_match(line, m, sample_re)) << "not a sample line: " << line;
      const std::string name = m[1];
      ASSERT_FALSE(family.empty()) << "sample before any TYPE: " << line;
      if (type == "histogram") {
        EXPECT_TRUE(name == family + "_bucket" || name == family + "_sum" || name == family + "_count") << line;
        // The contract names the one histogram of a plain count.
        EXPECT_TRUE(family.ends_with("_seconds") || family.ends_with("_bytes") || family == "pgsleuth_request_statements")
            << "histogram without a unit: " << family;
      } else {
        EXPECT_EQ(name, family) << line;
      }
      const std::string value = m[5];
      EXPECT_TRUE(value == "+Inf" || value == "-Inf" || value == "NaN" ||
                  std::regex_match(value, std::regex(R"(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)")))
          << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 20u);
  // What the issue asks /metrics to show.
  for (const char* want : {"pgsleuth_connections_active 3", "pgsleuth_connections_total 40",
                           "pgsleuth_statements_total{kind=\"select\"} 90",
                           "pgsleuth_findings_total{kind=\"n_plus_one\"} 2",
                           "pgsleuth_findings_total{kind=\"query_budget_exceeded\"} 1",
                           "pgsleuth_findings_total{kind=\"connection_churn\"} 0",
                           "pgsleuth_forwarded_bytes_total{direction=\"client_to_server\"} 1000",
                           "pgsleuth_forwarded_bytes_total{direction=\"server_to_client\"} 50000",
                           "pgsleuth_statement_duration_seconds_bucket{le=\"0.0025\"} 1",
                           "pgsleuth_statement_duration_seconds_bucket{le=\"+Inf\"} 2",
                           "pgsleuth_statement_duration_seconds_count 2", "pgsleuth_fingerprint_cache_hits_total 80",
                           "pgsleuth_fingerprint_cache_misses_total 15", "pgsleuth_windows_open 4",
                           "pgsleuth_events_dropped_total 1", "pgsleuth_protocol_errors_total 2",
                           "pgsleuth_upstream_connect_failures_total 5", "pgsleuth_connections_refused_total 6",
                           "pgsleuth_config_reloads_total 7",
                           "pgsleuth_request_statements_bucket{route=\"books#index\",le=\"1\"} 0",
                           "pgsleuth_request_statements_bucket{route=\"books#index\",le=\"50\"} 3",
                           "pgsleuth_request_statements_bucket{route=\"books#index\",le=\"+Inf\"} 3",
                           "pgsleuth_request_statements_count{route=\"books#index\"} 3"}) {
    EXPECT_NE(r.body.find(std::string(want) + "\n"), std::string::npos) << want;
  }
}

}  // namespace
}  // namespace pgsleuth::admin
