// The proxy's keyword scanner: PostgreSQL's rules for white space,
// comments, identifiers and quotes, as far as the proxy's checks need them.
#include "proxy/sql_words.hpp"

#include <string>

#include <gtest/gtest.h>

namespace pgsleuth::proxy {
namespace {

TEST(SqlWords, WordsAnyCaseAfterSpaceAndComments) {
  SqlWords w("  /* a /* nested */ comment */ -- line\r\n\tdrop\fDataBase x");
  EXPECT_FALSE(w.take("CREATE"));
  EXPECT_TRUE(w.take("DROP"));
  EXPECT_TRUE(w.take("DATABASE"));
  EXPECT_EQ(w.identifier(), "x");
  EXPECT_FALSE(w.take("DATABASE"));
}

TEST(SqlWords, AWordIsWholeOrNothing) {
  SqlWords w("ROLLBACKS");
  EXPECT_FALSE(w.take("ROLLBACK"));
  SqlWords d("drop_database");
  EXPECT_FALSE(d.take("DROP"));
  SqlWords dollar("to$x");
  EXPECT_FALSE(dollar.take("TO"));
}

TEST(SqlWords, IdentifiersFoldUnlessQuoted) {
  SqlWords w("MyStmt \"My\"\"Stmt\" \"has space\" 42 \"open");
  EXPECT_EQ(w.identifier(), "mystmt");
  EXPECT_EQ(w.identifier(), "My\"Stmt");
  EXPECT_EQ(w.identifier(), "has space");
  EXPECT_EQ(w.identifier(), std::nullopt);  // a number is not one
  SqlWords open("\"open");
  EXPECT_EQ(open.identifier(), std::nullopt);
}

TEST(SqlWords, NextStatementSkipsSemicolonsInsideLiteralsAndComments) {
  SqlWords w("SELECT 'a;b', \"c;d\", $$e;f$$, $tag$ g;$$; $tag$, E'h\\';i', $1 /* ; */ -- ;\n; DROP DATABASE x");
  EXPECT_TRUE(w.next_statement());
  EXPECT_TRUE(w.take("DROP"));
  EXPECT_TRUE(w.take("DATABASE"));
  EXPECT_FALSE(w.next_statement());
}

TEST(SqlWords, PlainStringsHaveNoBackslashEscapes) {
  // standard_conforming_strings: 'x\' is a whole literal.
  SqlWords w("SELECT 'x\\'; ROLLBACK");
  EXPECT_TRUE(w.next_statement());
  EXPECT_TRUE(w.take("ROLLBACK"));
}

TEST(SqlWords, SkipStatementsCountsThem) {
  SqlWords w("BEGIN; SELECT 1; ROLLBACK TO s");
  EXPECT_TRUE(w.skip_statements(2));
  EXPECT_TRUE(w.take("ROLLBACK"));
  EXPECT_TRUE(w.take("TO"));
  SqlWords short_text("SELECT 1");
  EXPECT_FALSE(short_text.skip_statements(1));
}

TEST(SqlWords, UnterminatedThingsEndTheText) {
  for (const char* sql : {"SELECT 'open; DROP DATABASE x", "SELECT $q$ open; x", "/* open ; x", "SELECT \"x;"}) {
    SqlWords w(sql);
    EXPECT_FALSE(w.next_statement()) << sql;
  }
}

}  // namespace
}  // namespace pgsleuth::proxy

namespace pgsleuth::proxy {
namespace {

// A miss must be exact (it skips the careful scan); a hit may be loose.
TEST(SqlWords, MentionsFindsTheLettersInAnyCaseAnywhere) {
  for (const char* sql : {"DROP DATABASE x", "drop database x", "alter DataBase x rename to y", "SELECT 1;DATABASE",
                          "x\"database\"", "DATABASE"}) {
    EXPECT_TRUE(SqlWords::mentions(sql, "DATABASE")) << sql;
  }
  for (const char* sql : {"", "DATABAS", "SELECT 1; SELECT 2", "DROP DATA BASE", "drop databas", "ATABASE"}) {
    EXPECT_FALSE(SqlWords::mentions(sql, "DATABASE")) << sql;
  }
}

}  // namespace
}  // namespace pgsleuth::proxy

namespace pgsleuth::proxy {
namespace {

// Every place the word can start, after every kind of byte the skip
// looks at (letters of the word, other letters, digits, punctuation).
TEST(SqlWords, MentionsFindsTheWordAtEveryOffset) {
  const std::string fillers = "DATABSExyz09 ;'\"";
  for (size_t at = 0; at < 20; ++at) {
    for (char filler : fillers) {
      std::string sql(at, filler);
      sql += "dataBASE";
      EXPECT_TRUE(SqlWords::mentions(sql, "DATABASE")) << sql;
      EXPECT_TRUE(SqlWords::mentions(sql + std::string(at, filler), "DATABASE")) << sql;
      EXPECT_FALSE(SqlWords::mentions(std::string(at, filler) + "dataBAS", "DATABASE")) << sql;
    }
  }
}

}  // namespace
}  // namespace pgsleuth::proxy
