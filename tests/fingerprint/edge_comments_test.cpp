#include "fingerprint/edge_comments.hpp"

#include <gtest/gtest.h>

#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::fingerprint {
namespace {

TEST(EdgeComments, CutsCommentsBeforeAndAfter) {
  EXPECT_EQ(trim_edge_comments("SELECT 1 /*traceparent='00-ab-cd-01'*/"), "SELECT 1");
  EXPECT_EQ(trim_edge_comments("/*controller='books'*/ SELECT 1"), "SELECT 1");
  EXPECT_EQ(trim_edge_comments("-- app\nSELECT 1 /* a /* nested */ b */  "), "SELECT 1");
  EXPECT_EQ(trim_edge_comments("SELECT /* inner */ 1"), "SELECT /* inner */ 1");
}

TEST(EdgeComments, LeavesWhatIsNotACommentAlone) {
  EXPECT_EQ(trim_edge_comments("/* only a comment */"), "/* only a comment */");
  EXPECT_EQ(trim_edge_comments("SELECT 1 /* unterminated"), "SELECT 1 /* unterminated");
  EXPECT_EQ(trim_edge_comments("SELECT 2 */"), "SELECT 2 */");
  EXPECT_EQ(trim_edge_comments(""), "");
}

// The contract: normalized text is "without the comments before and after
// it", a trailing line comment too, on the cached and the uncached path.
TEST(EdgeComments, ATrailingLineCommentIsLeftOutOnBothPaths) {
  Fingerprinter fp;
  for (int round = 0; round < 2; ++round) {  // a miss, then a hit
    const auto fast = fp.analyze("SELECT a FROM t WHERE id = 5 -- app.py:12\n");
    const auto slow = fp.analyze_uncached("SELECT a FROM t WHERE id = 5 -- app.py:12\n");
    ASSERT_EQ(fast.size(), 1u);
    ASSERT_EQ(slow.size(), 1u);
    EXPECT_EQ(fast[0].shape->normalized, "SELECT a FROM t WHERE id = $1");
    EXPECT_EQ(slow[0].shape->normalized, fast[0].shape->normalized);
  }
  EXPECT_EQ(trim_edge_comments("SELECT 1 -- x"), "SELECT 1");
  EXPECT_EQ(trim_edge_comments("SELECT '-- not a comment' /* c */"), "SELECT '-- not a comment'");
}

// An unterminated leading comment before many trailing ones was rescanned
// once per trailing comment: quadratic, seconds for one 64 KB statement.
// Linear, this 4 MB text takes milliseconds.
TEST(EdgeComments, UnterminatedLeadingCommentIsScannedOnce) {
  std::string text = "/*";
  for (int i = 0; i < 800'000; ++i) text += " /**/";
  // No scanner reads an unterminated comment: the text stays whole.
  EXPECT_EQ(trim_edge_comments(text), text);
  EXPECT_EQ(trim_edge_comments(text + " SELECT 1"), text + " SELECT 1");
}

// The fuzzer's find: N'...' starts at its quote, and the cut lost the N.
// `n';'(;` is read by libpg_query (';' inside parentheses), the text left
// by the lexer; both must keep the N.
TEST(EdgeComments, KeepsTheNOfANationalLiteral) {
  EXPECT_EQ(trim_edge_comments("/* c */ N'x' /* d */"), "N'x'");
  EXPECT_EQ(trim_edge_comments("n';'(;"), "n';'(");
  EXPECT_EQ(trim_edge_comments("n';'("), "n';'(");
}

// libpg_query says a U&'...' literal ends where it starts; the cut must
// not believe it. The lexer leaves this text (a bad escape) to libpg_query.
TEST(EdgeComments, KeepsAUnicodeLiteralLibpgQueryMismeasures) {
  const std::string text = "]Y]]\fu&'\\/x.'\f\f";
  EXPECT_EQ(trim_edge_comments(text), "]Y]]\fu&'\\/x.'");
}

TEST(EdgeComments, OneShapeReadsTheSameInEveryRequest) {
  Fingerprinter fp;
  auto a = fp.analyze("SELECT name FROM authors WHERE id = 7 /*traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/");
  auto b = fp.analyze("SELECT name FROM authors WHERE id = 9 /*traceparent='00-1bf7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01'*/");
  auto c = fp.analyze_uncached("SELECT name FROM authors WHERE id = 3 /*route='x'*/");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(a[0].shape->normalized, "SELECT name FROM authors WHERE id = $1");
  EXPECT_EQ(b[0].shape->normalized, a[0].shape->normalized);
  EXPECT_EQ(c[0].shape->normalized, a[0].shape->normalized);
  // The hit shares the cached shape rather than copying it per request.
  EXPECT_EQ(a[0].shape.get(), b[0].shape.get());
  EXPECT_EQ(b[0].constants, std::vector<std::string>{"9"});
}

}  // namespace
}  // namespace pgsleuth::fingerprint
