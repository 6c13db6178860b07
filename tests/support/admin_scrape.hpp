#pragma once
// Reading pgsleuth's admin endpoint from a test, as an operator's scraper
// would (curl), and waiting for a metric that other threads update.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/support/poll.hpp"
#include "tests/support/subprocess.hpp"

namespace pgsleuth::test {

// The body of GET http://127.0.0.1:<port><path>, or "" when it failed.
inline std::string admin_get(uint16_t port, const std::string& path) {
  return run_command({"curl", "-s", "http://127.0.0.1:" + std::to_string(port) + path}, {},
                     std::chrono::seconds(10))
      .out;
}

// Success once /metrics holds `line` (a whole "name value" line).
inline ::testing::AssertionResult metric_reaches(uint16_t port, const std::string& line,
                                                 std::chrono::milliseconds timeout = kSettleTimeout) {
  auto has_line = [&](const std::string& body) {
    return ("\n" + body).find("\n" + line + "\n") != std::string::npos;
  };
  const std::string body = poll_until([&] { return admin_get(port, "/metrics"); }, has_line, timeout);
  if (has_line(body)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no '" << line << "' in /metrics:\n" << body;
}

}  // namespace pgsleuth::test
