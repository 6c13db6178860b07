// The README's Prometheus rules are the rules file, byte for byte, and
// promtool (Debian's prometheus package) accepts the file and the test copy.

#include <gtest/gtest.h>

#include "tests/alerts/rules_text.hpp"
#include "tests/support/subprocess.hpp"

namespace pgsleuth::test::alerts {
namespace {

TEST(RulesFile, TheReadmeQuotesTheFileByteForByte) {
  const std::string file = read_file(kRulesPath);
  ASSERT_FALSE(file.empty()) << kRulesPath;
  EXPECT_EQ(readme_rules_block(), file);
  // The rules the README promises.
  EXPECT_NE(file.find("histogram_quantile(0.95, sum by (le, route) (rate(pgsleuth_request_statements_bucket[5m]))) > 50"),
            std::string::npos);
  EXPECT_NE(file.find("pgsleuth_findings_total{kind=\"query_budget_exceeded\"}"), std::string::npos);
}

TEST(RulesFile, PromtoolChecksTheRulesAndTheTestCopy) {
  const auto checked = run_command({"promtool", "check", "rules", kRulesPath});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("SUCCESS: 2 rules found"), std::string::npos) << checked.out << checked.err;

  const std::string copy = rules_for_test(read_file(kRulesPath));
  ASSERT_FALSE(copy.empty()) << "the rules file no longer has the windows the test shortens";
  TempDir dir("pgsleuth-rules-");
  write_file(dir.path() / "rules.yml", copy);
  const auto copy_checked = run_command({"promtool", "check", "rules", (dir.path() / "rules.yml").string()});
  EXPECT_EQ(copy_checked.exit_code, 0) << copy_checked.out << copy_checked.err;
}

}  // namespace
}  // namespace pgsleuth::test::alerts
