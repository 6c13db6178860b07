#include <gtest/gtest.h>

#include "analyzer_harness.hpp"

namespace pgsleuth::analyzers::testing {
namespace {

TEST(DuplicateQuery, CacheableRepeatHasSameResult) {
  Harness h;
  for (int i = 0; i < 3; ++i) h.run(Stmt(select_user_by_id(), h.conn).params({"5"}).result_hash(77));
  h.settle();
  const auto found = h.only("duplicate_query");
  EXPECT_EQ(found.at("count").as_int64(), 3);
  EXPECT_TRUE(found.at("same_result").as_bool());
  EXPECT_EQ(found.at("sample_params").as_array().at(0).as_string(), "5");
  EXPECT_EQ(found.at("round_trips_saved").as_int64(), 2);
}

TEST(DuplicateQuery, ChangedResultIsReportedAsSuch) {
  Harness h;
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}).result_hash(1));
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}).result_hash(2));
  h.settle();
  const auto found = h.only("duplicate_query");
  EXPECT_FALSE(found.at("same_result").as_bool());
}

// The same read twice with one statement in between: only a write that
// took effect, on the table read, makes the second read correct.
TEST(DuplicateQuery, OnlyAWriteToTheTableReadExcusesTheReRead) {
  struct Case {
    const char* between;
    Stmt (*statement)(const events::ConnectionInfoPtr& conn);
    size_t duplicates;
  };
  const Case cases[] = {
      {"an update of the table", [](const auto& conn) { return Stmt(update_users(), conn).params({"bob", "5"}); }, 0},
      {"a failed update, which wrote nothing",
       [](const auto& conn) { return Stmt(update_users(), conn).params({"bob", "5"}).failed("23505"); }, 1},
      {"an insert into another table", [](const auto& conn) { return Stmt(insert_events(), conn).params({"login"}); }, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.between);
    Harness h;
    h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
    h.run(c.statement(h.conn));
    h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
    h.settle();
    EXPECT_EQ(h.of_kind("duplicate_query").size(), c.duplicates);
  }
}

// Among many parameter sets seen once, the one repeated most is reported,
// with every one of its executions (only repeated sets are followed).
TEST(DuplicateQuery, TheMostRepeatedOfManyParameterSetsIsReported) {
  Harness h;
  const char* ids[] = {"1", "5", "2", "7", "5", "3", "4", "7", "5", "6", "8", "5"};
  for (const char* id : ids) h.run(Stmt(select_user_by_id(), h.conn).params({id}));
  h.settle();
  const auto found = h.only("duplicate_query");
  EXPECT_EQ(found.at("count").as_int64(), 4);
  EXPECT_EQ(found.at("sample_params").as_array().at(0).as_string(), "5");
}

TEST(DuplicateQuery, DifferentParametersOrWindowsAreNotDuplicates) {
  Harness h;
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
  h.run(Stmt(select_user_by_id(), h.conn).params({"6"}));
  h.advance(1s);
  h.run(Stmt(select_user_by_id(), h.conn).params({"5"}));
  h.settle();
  EXPECT_TRUE(h.of_kind("duplicate_query").empty());
}

TEST(DuplicateQuery, SessionControlIsNeverADuplicate) {
  Harness h;
  const auto show = make_shape({StatementKind::SetShow, "SHOW search_path"});
  for (int i = 0; i < 4; ++i) h.run(Stmt(show, h.conn));
  h.settle();
  EXPECT_TRUE(h.sink.finding_lines().empty());
}

}  // namespace
}  // namespace pgsleuth::analyzers::testing
