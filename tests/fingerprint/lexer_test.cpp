#include <gtest/gtest.h>

#include "fingerprint/fingerprinter.hpp"
#include "fingerprint/literal_value.hpp"
#include "fingerprint/sql_lexer.hpp"

namespace pgsleuth::fingerprint {
namespace {

std::vector<std::string> token_texts(std::string_view sql) {
  LexedQuery q;
  EXPECT_TRUE(lex_sql(sql, q)) << sql;
  std::vector<std::string> out;
  for (const auto& t : q.tokens) out.emplace_back(sql.substr(t.begin, t.end - t.begin));
  return out;
}

TEST(SqlLexer, SplitsOperatorsLikePostgres) {
  EXPECT_EQ(token_texts("a=-5"), (std::vector<std::string>{"a", "=", "-", "5"}));
  EXPECT_EQ(token_texts("a@-5"), (std::vector<std::string>{"a", "@-", "5"}));
  EXPECT_EQ(token_texts("a::int"), (std::vector<std::string>{"a", "::", "int"}));
  EXPECT_EQ(token_texts("a*/*c*/b"), (std::vector<std::string>{"a", "*", "b"}));
  EXPECT_EQ(token_texts("x<>y"), (std::vector<std::string>{"x", "<>", "y"}));
}

TEST(SqlLexer, ClassifiesLiterals) {
  LexedQuery q;
  const std::string_view sql = "SELECT 1, 2147483648, 1.5, .5, 1e-5, 'a''b', E'x', $t$y$t$, B'01', X'1F', N'n', U&'u'";
  ASSERT_TRUE(lex_sql(sql, q));
  std::string classes;
  for (const auto& t : q.tokens) {
    if (t.kind == TokenKind::Literal) classes += static_cast<char>(t.literal);
  }
  EXPECT_EQ(classes, "iffffsedbxnu");
}

TEST(SqlLexer, SkipsCommentsAndSplitsStatements) {
  LexedQuery q;
  const std::string_view sql = "/* a /* nested */ b */ SELECT 1 -- x;\n; ;; SELECT ';' ; -- only a comment";
  ASSERT_TRUE(lex_sql(sql, q));
  ASSERT_EQ(q.statements.size(), 2u);
  EXPECT_EQ(sql.substr(q.statements[0].begin, q.statements[0].end - q.statements[0].begin),
            "/* a /* nested */ b */ SELECT 1 -- x;");
  EXPECT_EQ(sql.substr(q.statements[1].begin, q.statements[1].end - q.statements[1].begin), "SELECT ';'");
}

TEST(SqlLexer, RefusesWhatItCannotReproduce) {
  LexedQuery q;
  for (const std::string_view sql :
       {"SELECT 'open", "SELECT 0x1F", "SELECT 12abc", "SELECT U&'a' UESCAPE '!'", "SELECT E'\\u0041'",
        "SELECT 'a'\n'b'", "CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2)",
        "SELECT E'\\0'", "SELECT $x", "SELECT /* open", "SELECT \"\"", "SELECT \\"}) {
    EXPECT_FALSE(lex_sql(sql, q)) << sql;
  }
  EXPECT_FALSE(lex_sql(std::string_view("SELECT 1\0", 9), q));
}

TEST(LiteralValue, DecodesEveryKind) {
  EXPECT_EQ(literal_value("'O''Brien'", LiteralClass::String), "O'Brien");
  EXPECT_EQ(literal_value("E'a\\nb\\'c\\101\\x42'", LiteralClass::Escape), "a\nb'cAB");
  EXPECT_EQ(literal_value("U&'d\\0061t\\+000061\\\\'", LiteralClass::Unicode), "data\\");
  EXPECT_EQ(literal_value("U&'\\00e9'", LiteralClass::Unicode), "\xc3\xa9");
  EXPECT_EQ(literal_value("$tag$it's$tag$", LiteralClass::Dollar), "it's");
  EXPECT_EQ(literal_value("$$$$", LiteralClass::Dollar), "");
  EXPECT_EQ(literal_value("B'0101'", LiteralClass::Bits), "0101");
  EXPECT_EQ(literal_value("X'1F'", LiteralClass::Hex), "00011111");
  EXPECT_EQ(literal_value("1e-5", LiteralClass::Float), "1e-5");
}

TEST(Constants, FollowLibpgQueryNormalizeOrder) {
  Fingerprinter fp;
  for (int round = 0; round < 2; ++round) {  // miss, then hit
    const auto r = fp.analyze(
        "SELECT * FROM t WHERE a = 'O''Brien' AND b = -5 AND c = DATE '2020-01-01' AND d = '1'::int "
        "AND e IN (1, 2.5) AND f = E'x\\ty' AND g = $$d$$ AND h = true LIMIT 10 OFFSET 3");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].shape->normalized,
              "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = DATE $3 AND d = $4::int "
              "AND e IN ($5, $6) AND f = $7 AND g = $8 AND h = $9 LIMIT $11 OFFSET $10");
    EXPECT_EQ(r[0].constants, (std::vector<std::string>{"O'Brien", "-5", "2020-01-01", "1", "1", "2.5",
                                                        "x\ty", "d", "true", "3", "10"}));
  }
  EXPECT_EQ(fp.stats().hits, 1u);
}

TEST(Constants, ParamsShiftNumbering) {
  Fingerprinter fp;
  const auto r = fp.analyze("SELECT $2 FROM t WHERE a = 5");
  EXPECT_EQ(r[0].shape->normalized, "SELECT $2 FROM t WHERE a = $3");
  EXPECT_EQ(r[0].constants, (std::vector<std::string>{"5"}));
}

}  // namespace
}  // namespace pgsleuth::fingerprint
