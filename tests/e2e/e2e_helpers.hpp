#pragma once
// What the end-to-end test binaries share: starting pgsleuth in front of the
// binary's PostgreSQL, and comparing output that differs only by port.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "tests/support/pg_cluster.hpp"
#include "tests/support/pg_environment.hpp"
#include "tests/support/proxy_process.hpp"

namespace pgsleuth::test::e2e {

// The binary under test: PGSLEUTH_BINARY from the build, unless the
// environment names another one in PGSLEUTH_E2E_BINARY.
inline std::string pgsleuth_binary() {
  const char* override_path = std::getenv("PGSLEUTH_E2E_BINARY");
  return override_path && *override_path ? override_path : PGSLEUTH_BINARY;
}

inline std::unique_ptr<ProxyProcess> start_proxy_to(uint16_t upstream_port) {
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(upstream_port);
  return std::make_unique<ProxyProcess>(options);
}

// `text` with every occurrence of the port number replaced by "PORT", so
// messages naming the server compare equal through the proxy and direct.
inline std::string mask_port(std::string text, uint16_t port) {
  const std::string needle = std::to_string(port);
  for (size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += 4) {
    text.replace(at, needle.size(), "PORT");
  }
  return text;
}

// The proxy still runs and answers a query.
inline ::testing::AssertionResult proxy_serving(ProxyProcess& proxy) {
  if (!proxy.running()) {
    return ::testing::AssertionFailure() << "pgsleuth exited; stderr:\n" << proxy.stderr_text();
  }
  auto result = run_psql(proxy.port(), "SELECT 'still serving'", "postgres", "postgres",
                         std::chrono::seconds(10));
  if (result.exit_code != 0 || result.out != "still serving\n") {
    return ::testing::AssertionFailure() << "psql through pgsleuth failed (exit " << result.exit_code
                                         << "): " << result.out << result.err;
  }
  return ::testing::AssertionSuccess();
}

// A test suite's proxy, started once: null (and the suite failed) when it
// does not start.
inline std::unique_ptr<ProxyProcess> start_suite_proxy(uint16_t upstream_port) {
  try {
    return start_proxy_to(upstream_port);
  } catch (const std::exception& error) {
    ADD_FAILURE() << error.what();
    return nullptr;
  }
}
// Stops it at the end of the suite; it must exit 0.
inline void stop_suite_proxy(std::unique_ptr<ProxyProcess>& proxy) {
  if (proxy) {
    EXPECT_EQ(proxy->stop(), 0) << proxy->stderr_text();
  }
  proxy.reset();
}

// A test suite with one proxy in front of the binary's cluster, started once.
class ProxiedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { proxy_ = start_suite_proxy(pg().port()); }
  static void TearDownTestSuite() { stop_suite_proxy(proxy_); }
  void SetUp() override { ASSERT_TRUE(proxy_) << "pgsleuth did not start"; }
  void TearDown() override {
    if (proxy_) {
      EXPECT_TRUE(proxy_serving(*proxy_));
    }
  }

  static PgCluster& pg() { return PgClusterEnvironment::cluster(); }
  static ProxyProcess& proxy() { return *proxy_; }

  static inline std::unique_ptr<ProxyProcess> proxy_;
};

}  // namespace pgsleuth::test::e2e
