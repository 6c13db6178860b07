// The statements stage: a statement event in, the analyzers' input out.
#include "statements/statement_builder.hpp"

#include <gtest/gtest.h>

#include "events/value_hash.hpp"

namespace pgsleuth::statements {
namespace {

events::StatementEvent simple(const events::SqlText& sql, uint32_t index = 0) {
  events::StatementEvent ev;
  ev.conn = std::make_shared<events::ConnectionInfo>();
  ev.sql = sql;
  ev.statement_index = index;
  return ev;
}

events::BoundParam param(std::string value, bool binary = false, bool is_null = false) {
  return events::BoundParam{is_null, binary, std::move(value)};
}

TEST(StatementBuilder, SimpleQueryLiteralsAreTheParameterSet) {
  StatementBuilder builder(1 << 20);
  auto ev = simple(events::SqlText("SELECT name FROM authors WHERE id = 42 AND kind = 'x'"));
  ev.rows = 3;
  ev.command_tag = "SELECT 3";
  auto s = builder.build(std::move(ev));
  EXPECT_EQ(s.sql, "SELECT name FROM authors WHERE id = 42 AND kind = 'x'");
  EXPECT_TRUE(s.shape->parsed);
  EXPECT_EQ(s.shape->normalized, "SELECT name FROM authors WHERE id = $1 AND kind = $2");
  EXPECT_EQ(s.values, (std::vector<std::string>{"42", "x"}));
  EXPECT_EQ(s.value_hashes, (std::vector<uint64_t>{events::value_hash("42"), events::value_hash("x")}));
  EXPECT_FALSE(s.sample_params.has_value());
  // The event itself travels on, whole.
  EXPECT_EQ(s.event.rows, 3u);
  EXPECT_EQ(s.event.command_tag, "SELECT 3");
  ASSERT_NE(s.event.conn, nullptr);
}

TEST(StatementBuilder, EachStatementOfAMultiStatementQueryGetsItsOwnPartFingerprintedOnce) {
  StatementBuilder builder(1 << 20);
  const events::SqlText sql("SELECT 1; UPDATE t SET a = 2 WHERE id = 7");
  auto first = builder.build(simple(sql, 0));
  const auto after_first = builder.cache_stats();
  auto second = builder.build(simple(sql, 1));
  EXPECT_EQ(first.sql, "SELECT 1");
  EXPECT_EQ(second.sql, "UPDATE t SET a = 2 WHERE id = 7");
  EXPECT_EQ(second.values, (std::vector<std::string>{"2", "7"}));
  EXPECT_EQ(second.shape->facts.kind, fingerprint::StatementKind::Update);
  // The second event shares the text: split and fingerprinted once, so
  // the cache was not even asked again.
  EXPECT_EQ(builder.cache_stats().misses, after_first.misses);
  EXPECT_EQ(builder.cache_stats().hits, after_first.hits);
}

TEST(StatementBuilder, MoreResultsThanStatementsFallBackToTheWholeText) {
  StatementBuilder builder(1 << 20);
  auto s = builder.build(simple(events::SqlText("SELECT 1"), 3));
  EXPECT_EQ(s.sql, "SELECT 1");
  EXPECT_TRUE(s.shape->parsed);
}

TEST(StatementBuilder, AnUnknownTextStillHasAShape) {
  StatementBuilder builder(1 << 20);
  auto s = builder.build(simple(events::SqlText()));
  ASSERT_NE(s.shape, nullptr);
  EXPECT_FALSE(s.shape->parsed);
  EXPECT_EQ(s.sql, "");
}

TEST(StatementBuilder, BoundParametersTextBinaryAndNull) {
  StatementBuilder builder(1 << 20);
  auto ev = simple(events::SqlText("SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3"));
  ev.extended = true;
  ev.params = {param("abc"), param(std::string("\x00\x00\x00\x65", 4), true), param("", false, true)};
  auto s = builder.build(std::move(ev));
  ASSERT_TRUE(s.sample_params.has_value());
  ASSERT_EQ(s.sample_params->size(), 3u);
  EXPECT_EQ((*s.sample_params)[0], "abc");
  EXPECT_EQ((*s.sample_params)[1], "\\x00000065");
  EXPECT_FALSE((*s.sample_params)[2].has_value());
  EXPECT_EQ(s.values, (std::vector<std::string>{"abc", "\\x00000065", "\\N"}));
  // Hashed as sent, so they compare with returned cells.
  EXPECT_EQ(s.value_hashes[0], events::value_hash("abc"));
  EXPECT_EQ(s.value_hashes[1], events::value_hash(std::string("\x00\x00\x00\x65", 4)));
  EXPECT_EQ(s.value_hashes[2], 0u);
}

TEST(StatementBuilder, SqlcommenterFactsFromEitherEnd) {
  StatementBuilder builder(1 << 20);
  auto traced = builder.build(simple(events::SqlText(
      "SELECT 1 /*route='%2Fbooks%2F1',traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/")));
  ASSERT_TRUE(traced.trace_id.has_value());
  EXPECT_EQ(*traced.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(traced.route, "/books/1");
  auto leading = builder.build(simple(events::SqlText("/*controller='books',action='show'*/ SELECT 2")));
  EXPECT_EQ(leading.route, "books#show");
  EXPECT_FALSE(leading.trace_id.has_value());
  auto ignored = builder.build(simple(events::SqlText("SELECT 3 /* pgsleuth:ignore=n_plus_one */")));
  EXPECT_FALSE(ignored.ignore_all);
  EXPECT_EQ(ignored.ignore_kinds, std::vector<std::string>{"n_plus_one"});
}

// In a multi-statement Query the comment may stand at the end of the whole
// text only; every statement of it carries its facts.
TEST(StatementBuilder, ACommentAtTheEndOfTheWholeQueryAppliesToEachStatement) {
  StatementBuilder builder(1 << 20);
  const events::SqlText sql("SELECT 1; SELECT 2 /*route='r'*/");
  EXPECT_EQ(builder.build(simple(sql, 0)).route, "r");
  EXPECT_EQ(builder.build(simple(sql, 1)).route, "r");
}

// SQL-level PREPARE / EXECUTE: the executions are of the prepared statement.
class SqlPrepared : public ::testing::Test {
 protected:
  AnalyzedStatement run(const std::string& sql, uint64_t conn = 1) {
    auto ev = simple(events::SqlText(sql));
    auto info = std::make_shared<events::ConnectionInfo>();
    info->connection_id = conn;
    ev.conn = info;
    return builder.build(std::move(ev));
  }
  StatementBuilder builder{1 << 20};
};

TEST_F(SqlPrepared, ExecuteIsAnExecutionOfThePreparedStatementWithItsArguments) {
  const auto prepare = run("PREPARE by_id(int, text) AS SELECT name FROM authors WHERE id = $1 AND kind = $2");
  EXPECT_EQ(prepare.shape->facts.kind, fingerprint::StatementKind::Utility);
  const auto s = run("/* app */ EXECUTE By_Id(7, 'x')");
  EXPECT_EQ(s.shape->facts.kind, fingerprint::StatementKind::Select);
  EXPECT_EQ(s.shape->normalized, "SELECT name FROM authors WHERE id = $1 AND kind = $2");
  EXPECT_EQ(s.shape->facts.tables_read, (std::vector<std::string>{"authors"}));
  EXPECT_EQ(s.values, (std::vector<std::string>{"7", "x"}));
  EXPECT_EQ(s.sql, "/* app */ EXECUTE By_Id(7, 'x')") << "the text as sent stays the sample";
  EXPECT_FALSE(s.sample_params.has_value());
  const auto direct = run("SELECT name FROM authors WHERE id = 1 AND kind = 'y'");
  EXPECT_EQ(s.shape->fingerprint, direct.shape->fingerprint);
}

TEST_F(SqlPrepared, ArgumentsThatAreNotOneLiteralAreTheirText) {
  run("PREPARE f(int, int, text) AS SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3");
  const auto s = run("EXECUTE f(-1, abs(-2), E'a\\'b')");
  EXPECT_EQ(s.values, (std::vector<std::string>{"-1", "abs(-2)", "a'b"}));
}

TEST_F(SqlPrepared, WritesToo) {
  run("prepare log_it AS INSERT INTO log (n) VALUES ($1)");
  const auto s = run("EXECUTE log_it(3)");
  EXPECT_EQ(s.shape->facts.kind, fingerprint::StatementKind::Insert);
  EXPECT_EQ(s.shape->facts.tables_written, (std::vector<std::string>{"log"}));
}

TEST_F(SqlPrepared, DeallocateDiscardAllAndTheConnectionsEndForgetThem) {
  const auto unknown = fingerprint::StatementKind::Utility;
  run("PREPARE a AS SELECT 1 FROM t");
  run("PREPARE \"B\" AS SELECT 2 FROM t");
  EXPECT_EQ(run("EXECUTE b").shape->facts.kind, unknown) << "a quoted name keeps its case";
  EXPECT_EQ(run("EXECUTE \"B\"").shape->facts.kind, fingerprint::StatementKind::Select);
  EXPECT_EQ(run("EXECUTE a", 2).shape->facts.kind, unknown) << "names belong to their connection";
  run("DEALLOCATE PREPARE a");
  EXPECT_EQ(run("EXECUTE a").shape->facts.kind, unknown);
  EXPECT_EQ(run("EXECUTE \"B\"").shape->facts.kind, fingerprint::StatementKind::Select);
  run("DISCARD ALL");
  EXPECT_EQ(run("EXECUTE \"B\"").shape->facts.kind, unknown);
  run("PREPARE a AS SELECT 1 FROM t");
  builder.connection_closed(1);
  EXPECT_EQ(run("EXECUTE a").shape->facts.kind, unknown);
  run("PREPARE a AS SELECT 1 FROM t");
  run("DEALLOCATE ALL");
  EXPECT_EQ(run("EXECUTE a").shape->facts.kind, unknown);
}

}  // namespace
}  // namespace pgsleuth::statements
