#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

config::AnalysisSettings churn_settings() {
  config::AnalysisSettings s;
  s.connection_churn.min_connections = 5;
  s.connection_churn.max_lifetime_ms = 1000;
  s.connection_churn.within_s = 10;
  return s;
}

// Opens and closes `n` connections from `addr`, each living `lifetime`.
void churn(Harness& h, int n, const std::string& addr, std::chrono::milliseconds lifetime,
           uint64_t first_id = 100) {
  for (int i = 0; i < n; ++i) {
    const auto c = make_conn(first_id + i, addr);
    h.analyzer->on_connection_opened(c, h.now);
    h.advance(lifetime);
    h.analyzer->on_connection_closed(c, h.now);
    h.advance(100ms);
  }
}

TEST(ConnectionChurn, ShortLivedConnectionsFromOneAddress) {
  Harness h(churn_settings());
  churn(h, 5, "10.1.1.1", 20ms);
  const auto f = h.only("connection_churn");
  EXPECT_EQ(f.at("count").as_int64(), 5);
  EXPECT_EQ(f.at("client_addr").as_string(), "10.1.1.1");
  EXPECT_EQ(f.at("fingerprint").as_string().size(), 16u);
  EXPECT_TRUE(f.at("request_id").is_null());
  EXPECT_TRUE(f.at("sample_sql").is_null());
  EXPECT_NE(std::string(f.at("message").as_string()).find("10.1.1.1"), std::string::npos);
}

TEST(ConnectionChurn, LongLivedSpreadOutOrMixedAddressesAreNot) {
  Harness h(churn_settings());
  churn(h, 5, "10.1.1.1", 2s);  // not short-lived
  churn(h, 2, "10.2.2.2", 10ms, 200);
  churn(h, 2, "10.3.3.3", 10ms, 300);
  // Four short-lived, then the fifth only after the first left the 10 s window.
  churn(h, 4, "10.4.4.4", 10ms, 400);
  h.advance(11s);
  churn(h, 1, "10.4.4.4", 10ms, 500);
  EXPECT_TRUE(h.of_kind("connection_churn").empty());
}

TEST(ConnectionChurn, ReportsOncePerBurst) {
  Harness h(churn_settings());
  churn(h, 9, "10.1.1.1", 10ms);
  EXPECT_EQ(h.of_kind("connection_churn").size(), 1u);
  churn(h, 1, "10.1.1.1", 10ms, 900);
  EXPECT_EQ(h.of_kind("connection_churn").size(), 2u);
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
