// The session's own SQL through pgsleuth: attribution follows
// `SET application_name`, and SQL-level PREPARE / EXECUTE are executions
// of the prepared statement (its fingerprint, tables and arguments).
#include <gtest/gtest.h>

#include "tests/detection/detection_proxy.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

namespace json = boost::json;

constexpr int64_t kAuthors = 10;  // clients/client_args.py AUTHORS

Findings run_mode(const std::string& mode) {
  return run_client_through_proxy(kBaseConfig, "session_sql.py", mode, "session_" + mode).findings;
}

TEST(SessionDetection, ApplicationNameSetAfterLoginIsTheFindingsApplicationName) {
  const auto findings = run_mode("set_application_name");
  const auto found = of_kind(findings, "n_plus_one");
  ASSERT_EQ(found.size(), 1u) << dump(findings);
  EXPECT_EQ(text(found[0], "application_name"), "session_set_application_name_set");
  EXPECT_EQ(integer(found[0], "count"), kAuthors);
}

}  // namespace
}  // namespace pgsleuth::test::detection
