// The session's own SQL through pgsleuth: attribution follows
// `SET application_name`, and SQL-level PREPARE / EXECUTE are executions
// of the prepared statement (its fingerprint, tables and arguments).
#include <gtest/gtest.h>

#include <set>

#include "tests/detection/detection_proxy.hpp"

namespace pgsleuth::test::detection {
namespace {

[[maybe_unused]] auto* const pg_env = ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);


Findings run_mode(const std::string& mode) {
  return run_client_through_proxy(kBaseConfig, "session_sql.py", mode, "session_" + mode).findings;
}

TEST(SessionDetection, ApplicationNameSetAfterLoginIsTheFindingsApplicationName) {
  const auto found = only(run_mode("set_application_name"), "n_plus_one");
  EXPECT_EQ(text(found, "application_name"), "session_set_application_name_set");
  EXPECT_EQ(integer(found, "count"), kAuthors);
}

TEST(SessionDetection, SqlPrepareExecuteLoopIsAnNPlusOneOfThePreparedSelect) {
  const auto f = only(run_mode("prepare_select"), "n_plus_one");
  SCOPED_TRACE(json::serialize(f));
  EXPECT_EQ(text(f, "normalized"), "SELECT name FROM ss_authors WHERE id = $1");
  EXPECT_EQ(json::serialize(f.at("tables")), R"(["ss_authors"])");
  EXPECT_EQ(integer(f, "count"), kAuthors);
  EXPECT_EQ(integer(f, "distinct_params"), kAuthors);
  EXPECT_EQ(text(f, "sample_sql").rfind("EXECUTE author_by_id(", 0), 0u) << "the statement as sent";
  ASSERT_TRUE(f.at("parent").is_object()) << "the ids query fed the EXECUTE arguments";
  EXPECT_NE(f.at("parent").at("normalized").as_string().find("ORDER BY id"), std::string::npos);
}

TEST(SessionDetection, SqlPrepareExecuteInsertsAreAnUnbatchedWrite) {
  const auto found = only(run_mode("prepare_insert"), "unbatched_write");
  EXPECT_EQ(text(found, "normalized"), "INSERT INTO ss_log (author_id, note) VALUES ($1, $2)");
  EXPECT_EQ(integer(found, "count"), kAuthors);
}

// DEALLOCATE and DISCARD ALL forget a name: re-prepared, it is the new statement.
TEST(SessionDetection, DeallocateAndDiscardAllForgetPreparedNames) {
  const auto findings = run_mode("deallocate");
  const auto found = of_kind(findings, "n_plus_one");
  ASSERT_EQ(found.size(), 2u) << dump(findings);
  std::set<std::string> normalized;
  for (const auto& f : found) {
    EXPECT_EQ(integer(f, "count"), kAuthors) << json::serialize(f);
    normalized.insert(text(f, "normalized"));
  }
  EXPECT_EQ(normalized, (std::set<std::string>{"SELECT id FROM ss_log WHERE author_id = $1",
                                               "SELECT name FROM ss_authors WHERE id = $1"}));
}

}  // namespace
}  // namespace pgsleuth::test::detection
