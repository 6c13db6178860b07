#pragma once
// The Prometheus rules the README shows: the file docs/prometheus/
// pgsleuth-rules.yml, the README's copy of it, and a copy for tests whose
// windows fit a test's minute (the expressions otherwise unchanged).

#include <string>

#include "tests/support/temp_dir.hpp"

namespace pgsleuth::test::alerts {

inline constexpr const char* kRulesPath = PGSLEUTH_SOURCE_DIR "/docs/prometheus/pgsleuth-rules.yml";
inline constexpr const char* kReadmePath = PGSLEUTH_SOURCE_DIR "/README.md";

// The ```yaml block that follows the README's first mention of the rules
// file; "" when there is none.
inline std::string readme_rules_block() {
  const std::string readme = read_file(kReadmePath);
  const size_t mention = readme.find("docs/prometheus/pgsleuth-rules.yml");
  if (mention == std::string::npos) return {};
  const std::string open = "```yaml\n";
  const size_t start = readme.find(open, mention);
  if (start == std::string::npos) return {};
  const size_t end = readme.find("\n```\n", start + open.size());
  if (end == std::string::npos) return {};
  return readme.substr(start + open.size(), end + 1 - (start + open.size()));
}

// Replaces the one occurrence of `from` with `to`; "" when there is not
// exactly one, so a changed rules file fails the test instead of testing
// something else.
inline std::string replace_once(const std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) return {};
  return text.substr(0, at) + to + text.substr(at + from.size());
}

// The rules with windows of 10 s and `for: 1s`: what a test with a 1 s
// scrape and evaluation interval can see within seconds.
inline std::string rules_for_test(const std::string& rules) {
  std::string out = replace_once(rules, "rate(pgsleuth_request_statements_bucket[5m])",
                                 "rate(pgsleuth_request_statements_bucket[10s])");
  out = replace_once(out, "for: 10m", "for: 1s");
  return replace_once(out, "{kind=\"query_budget_exceeded\"}[15m]", "{kind=\"query_budget_exceeded\"}[10s]");
}

}  // namespace pgsleuth::test::alerts
