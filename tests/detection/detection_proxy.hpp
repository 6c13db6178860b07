#pragma once
// One pgsleuth in front of the test binary's PostgreSQL with a config of the
// test's own, real client programs (tests/detection/clients) run through it,
// and the findings it wrote once SIGTERM has ended every window.

#include <boost/core/noncopyable.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/poll.hpp"
#include "tests/support/pg_environment.hpp"
#include "tests/support/proxy_process.hpp"
#include "tests/support/subprocess.hpp"
#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test::detection {

namespace json = boost::json;

using Findings = std::vector<boost::json::object>;

// The authors in every client's tables (clients/client_args.py AUTHORS).
inline constexpr int64_t kAuthors = 10;

// The binary under test: PGSLEUTH_BINARY from the build, unless the
// environment names another one in PGSLEUTH_E2E_BINARY.
std::string pgsleuth_binary();

// The lines of `findings` of this kind ("n_plus_one", "request_summary"...).
Findings of_kind(const Findings& findings, std::string_view kind);
// The one line of this kind; throws, failing the test, unless there is
// exactly one (the message lists every line).
boost::json::object only(const Findings& findings, std::string_view kind);
// The lines as one JSON array, for failure messages.
std::string dump(const Findings& findings);
// A string field of a line, "" when missing or not a string.
std::string text(const boost::json::object& line, const char* name);
// An integer field of a line, -1 when missing or not an integer.
int64_t integer(const boost::json::object& line, const char* name);

// What every detection test wants: request_summary lines (they show which
// windows ran what), and an idle gap long enough that a slow shared machine
// does not split one request into two windows. Tests append their sections.
inline constexpr const char* kBaseConfig = R"(
[output]
request_summaries = true

[window]
idle_gap_ms = 1000
traceparent_idle_ms = 1000
)";

class DetectionProxy : boost::noncopyable {
 public:
  // Starts pgsleuth with `config_toml` as its --config file (empty: none).
  // Fails the test (fatal, in the caller's ASSERT_NO_FATAL_FAILURE) when it
  // cannot start.
  explicit DetectionProxy(const std::string& config_toml = {});
  ~DetectionProxy();

  bool started() const { return proxy_ != nullptr; }
  ProxyProcess& process() { return *proxy_; }

  // Runs clients/<script> MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME with
  // node for a .js script, else Debian's python; adds a failure when it does
  // not exit 0. Its stdout.
  std::string run_client(const std::string& script, const std::string& mode,
                         const std::string& application_name);

  // While pgsleuth runs: re-reads the findings file (complete lines only)
  // until one line is of `kind` or `timeout` passes; the lines read last.
  Findings wait_for(std::string_view kind, std::chrono::milliseconds timeout = kSettleTimeout);
  // The same until `count` lines are of `kind`.
  Findings wait_for(std::string_view kind, size_t count, std::chrono::milliseconds timeout = kSettleTimeout);

  // Stops pgsleuth with SIGTERM (every open window ends and is written),
  // expects exit status 0, and returns every line of the findings file,
  // each checked against the contract. Call once.
  Findings finish();
  // The findings file as written, after finish().
  const std::string& findings_text() const { return findings_text_; }

 private:
  TempDir dir_;
  std::unique_ptr<ProxyProcess> proxy_;
  std::string findings_text_;
};

struct ClientRun {
  std::string client_out;     // the client's stdout
  Findings findings;          // after SIGTERM, each checked against the contract
  std::string findings_text;  // the file as written
};

// A fresh pgsleuth with `config_toml` and one client run through it.
ClientRun run_client_through_proxy(const std::string& config_toml, const std::string& script,
                                   const std::string& mode, const std::string& application_name);

}  // namespace pgsleuth::test::detection
