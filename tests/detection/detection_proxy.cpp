#include "tests/detection/detection_proxy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/detection/finding_contract.hpp"
#include "tests/support/pg_cluster.hpp"

namespace pgsleuth::test::detection {
namespace {

using namespace std::chrono_literals;

// The complete lines of a findings file, each checked against the contract.
Findings parse_findings(const std::string& text) {
  Findings findings;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (lines.eof()) break;  // no newline yet: still being written
    boost::system::error_code error;
    auto value = json::parse(line, error);
    if (error || !value.is_object()) {
      ADD_FAILURE() << "findings line is not a JSON object: " << line;
      continue;
    }
    EXPECT_TRUE(follows_contract(value.as_object()));
    findings.push_back(std::move(value.as_object()));
  }
  return findings;
}

}  // namespace

std::string pgsleuth_binary() {
  const char* override_path = std::getenv("PGSLEUTH_E2E_BINARY");
  return override_path && *override_path ? override_path : PGSLEUTH_BINARY;
}

Findings of_kind(const Findings& findings, std::string_view kind) {
  Findings out;
  for (const auto& line : findings) {
    if (text(line, "kind") == kind) out.push_back(line);
  }
  return out;
}

std::string dump(const Findings& findings) { return json::serialize(json::value_from(findings)); }

json::object only(const Findings& findings, std::string_view kind) {
  auto found = of_kind(findings, kind);
  if (found.size() != 1) {
    throw std::runtime_error(std::to_string(found.size()) + " " + std::string(kind) + " lines, not one, among " +
                             dump(findings));
  }
  return std::move(found[0]);
}

std::string text(const json::object& line, const char* name) {
  const auto* v = line.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t integer(const json::object& line, const char* name) {
  const auto* v = line.if_contains(name);
  return v && v->is_int64() ? v->as_int64() : -1;
}

DetectionProxy::DetectionProxy(const std::string& config_toml) : dir_("pgsleuth-detection-") {
  ProxyOptions options;
  options.binary = pgsleuth_binary();
  options.upstream = "127.0.0.1:" + std::to_string(PgClusterEnvironment::cluster().port());
  if (!config_toml.empty()) {
    const auto config = dir_.path() / "pgsleuth.toml";
    write_file(config, config_toml);
    options.extra_args = {"--config", config.string()};
  }
  try {
    proxy_ = std::make_unique<ProxyProcess>(options);
  } catch (const std::exception& error) {
    ADD_FAILURE() << "pgsleuth did not start: " << error.what();
  }
}

DetectionProxy::~DetectionProxy() = default;

std::string DetectionProxy::run_client(const std::string& script, const std::string& mode,
                                       const std::string& application_name) {
  if (!proxy_) {
    ADD_FAILURE() << "no pgsleuth to run " << script << " through";
    return {};
  }
  // Node clients (node-postgres, from npm: scripts/install-deps.sh), else
  // Debian's python.
  const bool node = script.size() > 3 && script.compare(script.size() - 3, 3, ".js") == 0;
  auto result = run_command({node ? "node" : kSystemPython, std::string(DETECTION_CLIENTS_DIR) + "/" + script, mode,
                             std::to_string(PgClusterEnvironment::cluster().port()),
                             std::to_string(proxy_->port()), application_name},
                            clean_pg_env(), 120s);
  EXPECT_EQ(result.exit_code, 0) << script << " " << mode << " failed:\n"
                                 << result.out << result.err;
  return result.out;
}

Findings DetectionProxy::finish() {
  if (!proxy_) {
    ADD_FAILURE() << "no pgsleuth to stop";
    return {};
  }
  EXPECT_EQ(proxy_->stop(), 0) << proxy_->stderr_text();
  findings_text_ = read_file(proxy_->findings_path());
  auto findings = parse_findings(findings_text_);
  if (!findings_text_.empty() && findings_text_.back() != '\n') {
    ADD_FAILURE() << "the findings file ends in an unfinished line";
  }
  return findings;
}

Findings DetectionProxy::wait_for(std::string_view kind, std::chrono::milliseconds timeout) {
  return wait_for(kind, 1, timeout);
}

Findings DetectionProxy::wait_for(std::string_view kind, size_t count, std::chrono::milliseconds timeout) {
  if (!proxy_) return {};
  return poll_until([&] { return parse_findings(read_file(proxy_->findings_path())); },
                    [&](const Findings& findings) { return of_kind(findings, kind).size() >= count; }, timeout);
}

ClientRun run_client_through_proxy(const std::string& config_toml, const std::string& script,
                                   const std::string& mode, const std::string& application_name) {
  DetectionProxy proxy(config_toml);
  if (!proxy.started()) return {};
  ClientRun run;
  run.client_out = proxy.run_client(script, mode, application_name);
  run.findings = proxy.finish();
  run.findings_text = proxy.findings_text();
  return run;
}

}  // namespace pgsleuth::test::detection
