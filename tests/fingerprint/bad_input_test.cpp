// Bad input never crashes, never takes unbounded time, and still gets a
// stable fingerprint.

#include <gtest/gtest.h>

#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::fingerprint {
namespace {

TEST(BadInput, UnparsableTextGetsStableFallbackFingerprint) {
  Fingerprinter fp;
  const auto a = fp.analyze("SELEC * FROM t WHERE id = 5");
  const auto b = fp.analyze("SELEC * FROM t WHERE id = 6");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_FALSE(a[0].shape->parsed);
  EXPECT_EQ(a[0].shape->facts.kind, StatementKind::Unknown);
  EXPECT_EQ(a[0].shape->fingerprint_hex.size(), 16u);
  EXPECT_EQ(a[0].shape->normalized, "SELEC * FROM t WHERE id = $1");
  EXPECT_EQ(a[0].shape->fingerprint, b[0].shape->fingerprint);
  EXPECT_NE(a[0].shape->fingerprint, fp.analyze("SELEC * FROM u WHERE id = 6")[0].shape->fingerprint);
}

TEST(BadInput, DeepNestingHitsLibpgQueryStackLimitCleanly) {
  Fingerprinter fp;
  const std::string sql = "SELECT " + std::string(10000, '(') + "1" + std::string(10000, ')');
  const auto r = fp.analyze(sql);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].shape->parsed);
  EXPECT_EQ(fp.analyze(sql)[0].shape->fingerprint, r[0].shape->fingerprint);
}

TEST(BadInput, OneMegabyteStatements) {
  Fingerprinter fp;
  std::string in_list = "SELECT id FROM t WHERE id IN (0";
  while (in_list.size() < (1u << 20)) in_list += ", 12345";
  in_list += ")";
  const auto r = fp.analyze(in_list);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].shape->parsed);
  EXPECT_GT(r[0].constants.size(), 100000u);

  const std::string garbage(1u << 20, 'x');
  const auto g = fp.analyze("SELECT " + garbage + " FROM");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_FALSE(g[0].shape->parsed);

  const std::string long_string = "SELECT '" + std::string(1u << 20, 'a') + "'";
  const auto s = fp.analyze(long_string);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].constants.at(0).size(), 1u << 20);
}

TEST(BadInput, InvalidUtf8AndNulBytes) {
  Fingerprinter fp;
  const auto r = fp.analyze("SELECT '\xff\xfe' FROM t WHERE \xc3 = 1");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].shape->fingerprint_hex.size(), 16u);

  const std::string with_nul("SELECT 1\0; DROP TABLE t", 23);
  for (const auto& res : {fp.analyze(with_nul), fp.analyze_uncached(with_nul)}) {
    ASSERT_EQ(res.size(), 1u);
    EXPECT_FALSE(res[0].shape->parsed);
    EXPECT_EQ(res[0].text, with_nul);
  }
  EXPECT_EQ(fp.analyze(with_nul)[0].shape->fingerprint, fp.analyze(with_nul)[0].shape->fingerprint);
}

TEST(BadInput, UnterminatedThingsFallBackWithoutCrashing) {
  Fingerprinter fp;
  for (const std::string_view sql :
       {"SELECT 'open", "SELECT $$open", "SELECT /* open", "SELECT \"open", "SELECT E'\\", ";;;", "'",
        "SELECT 1; SELEC 2", "\xff\xff\xff"}) {
    const auto fast = fp.analyze(sql);
    const auto slow = fp.analyze_uncached(sql);
    ASSERT_EQ(fast.size(), slow.size()) << sql;
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].shape->fingerprint, slow[i].shape->fingerprint) << sql;
    }
  }
}

}  // namespace
}  // namespace pgsleuth::fingerprint

namespace pgsleuth::fingerprint {
namespace {

// Found by a differential fuzz: with a ';' inside unbalanced parentheses the
// scanner split returns nothing, and the text must stay whole (the server
// rejects it as one statement), not restart inside the string literal.
TEST(BadInput, SemicolonInsideUnbalancedParenthesesKeepsTheTextWhole) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"SELECT 'a;b' FROM t WHERE (a = 1;", {"SELECT 'a;b' FROM t WHERE (a = 1;"}},
      {"SELECT (1; SELECT 2", {"SELECT (1; SELECT 2"}},
      {"SELECT 1; SELECT ('x;y';", {"SELECT 1", "SELECT ('x;y';"}},
  };
  Fingerprinter fp;
  for (const auto& [sql, texts] : cases) {
    for (const auto& res : {fp.analyze(sql), fp.analyze_uncached(sql)}) {
      std::vector<std::string> got;
      for (const auto& s : res) got.push_back(s.text);
      EXPECT_EQ(got, texts) << sql;
    }
  }
}

// A LATIN1 client sends string literals whose bytes are not UTF-8. The
// statement must parse on both paths and get libpg_query's fingerprint, in
// whichever order the cache was filled.
TEST(BadInput, NonUtf8LiteralGetsTheSameFingerprintCachedOrNot) {
  const std::string latin1 = "SELECT id FROM people WHERE name = 'Jos\xe9'";
  const std::string ascii = "SELECT id FROM people WHERE name = 'Jose'";
  Fingerprinter fp;
  const auto slow = fp.analyze_uncached(latin1);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_TRUE(slow[0].shape->parsed);
  EXPECT_EQ(slow[0].shape->normalized, "SELECT id FROM people WHERE name = $1");
  EXPECT_EQ(slow[0].shape->facts.tables_read, std::vector<std::string>{"people"});
  EXPECT_EQ(slow[0].shape->fingerprint, fp.analyze_uncached(ascii)[0].shape->fingerprint);
  for (const auto& order : {std::vector<std::string>{ascii, latin1}, std::vector<std::string>{latin1, ascii}}) {
    Fingerprinter fresh;
    for (const auto& sql : order) {
      const auto fast = fresh.analyze(sql);
      ASSERT_EQ(fast.size(), 1u);
      EXPECT_EQ(fast[0].shape->fingerprint, slow[0].shape->fingerprint) << sql;
      EXPECT_TRUE(fast[0].shape->parsed) << sql;
    }
  }
}

}  // namespace
}  // namespace pgsleuth::fingerprint

namespace pgsleuth::fingerprint {
namespace {

// Found by fuzz/fuzz_fingerprinter: for text that does not parse, the lexer
// split at every top-level ';' while libpg_query's scanner split does not
// after an unbalanced ')' (its paren count wraps) nor after a piece without a
// keyword, so the cached path returned more statements than the reference.
TEST(BadInput, UnparsableMultiStatementTextSplitsAsTheReferenceDoes) {
  const std::vector<std::string> cases = {
      "CREATE TABLE t (v varchar(20)); BEGIN; SET search_path = p varchar(20)); BEGIN; COMMIT",
      "SELECT 1); SELECT 2",
      "SELECT 1); SELECT (2; SELECT 3",
      "foo; SELECT 1",
      "SELECT 1; SELECT 2)",
      "foo;",
  };
  for (const std::string& sql : cases) {
    Fingerprinter fp;
    const auto slow = fp.analyze_uncached(sql);
    for (int pass = 0; pass < 2; ++pass) {
      const auto fast = fp.analyze(sql);
      ASSERT_EQ(fast.size(), slow.size()) << sql;
      for (size_t i = 0; i < fast.size(); ++i) {
        EXPECT_EQ(fast[i].text, slow[i].text) << sql;
        EXPECT_EQ(fast[i].shape->fingerprint, slow[i].shape->fingerprint) << sql;
        EXPECT_EQ(fast[i].shape->normalized, slow[i].shape->normalized) << sql;
      }
    }
  }
  Fingerprinter fp;
  ASSERT_EQ(fp.analyze("SELECT 1); SELECT 2").size(), 1u);
}

}  // namespace
}  // namespace pgsleuth::fingerprint
