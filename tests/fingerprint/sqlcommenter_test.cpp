#include <gtest/gtest.h>

#include "fingerprint/sqlcommenter.hpp"

#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::fingerprint {
namespace {

constexpr const char* kTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

TEST(SqlCommenter, TrailingCommentWithUrlEncodedValues) {
  const auto c = parse_sql_comment(
      std::string("SELECT * FROM users WHERE id = 1 /*controller='users',action='show',"
                  "route='%2Fusers%2F%3Aid',traceparent='") + kTrace + "'*/;");
  EXPECT_EQ(c.get("controller"), "users");
  EXPECT_EQ(c.get("route"), "/users/:id");
  EXPECT_EQ(c.route(), "/users/:id");
  ASSERT_TRUE(c.traceparent);
  EXPECT_EQ(c.traceparent->version, "00");
  EXPECT_EQ(c.traceparent->trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(c.traceparent->span_id, "b7ad6b7169203331");
  EXPECT_EQ(c.traceparent->flags, "01");
  EXPECT_FALSE(c.ignore_all);
}

TEST(SqlCommenter, LeadingCommentAndControllerActionRoute) {
  const auto c = parse_sql_comment("/* controller='orders', action='index' */ SELECT 1");
  EXPECT_EQ(c.route(), "orders#index");
  EXPECT_FALSE(c.traceparent);
  EXPECT_EQ(parse_sql_comment("/*action='index'*/ SELECT 1").route(), "index");
  EXPECT_FALSE(parse_sql_comment("SELECT 1").route());
}

TEST(SqlCommenter, EscapedQuotesAndKeyDecoding) {
  const auto c = parse_sql_comment("SELECT 1 /*na%20me='it\\'s',empty=''*/");
  EXPECT_EQ(c.get("na me"), "it's");
  EXPECT_EQ(c.get("empty"), "");
}

TEST(SqlCommenter, TraceparentValidation) {
  auto tp = [](std::string v) { return parse_sql_comment("SELECT 1 /*traceparent='" + v + "'*/").traceparent; };
  EXPECT_TRUE(tp(kTrace));
  const auto upper = tp("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->trace_id, "0af7651916cd43dd8448eb211c80319c");
  for (const char* rejected : {"00-00000000000000000000000000000000-b7ad6b7169203331-01",  // zero trace id
                               "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  // zero span id
                               "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",   // short trace id
                               "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333g-01",  // not hex
                               "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // version ff
                               "garbage"}) {
    EXPECT_FALSE(tp(rejected)) << rejected;
  }
}

TEST(SqlCommenter, MalformedCommentsAreIgnored) {
  for (const std::string_view sql :
       {"SELECT 1 /*key='unterminated*/", "SELECT 1 /*key=value*/", "SELECT 1 /*='x'*/",
        "SELECT 1 /*a='1' b='2'*/", "SELECT 1 /*a='%zz'*/", "SELECT 1 /* just a note */",
        "SELECT 1 /*a='1'", "SELECT '/*a=''1''*/'", "SELECT 1 /*a='1',*/ /*"}) {
    const auto c = parse_sql_comment(sql);
    EXPECT_TRUE(c.tags.empty()) << sql;
  }
}

TEST(SqlCommenter, OnlyCommentsAtTheEdges) {
  EXPECT_TRUE(parse_sql_comment("SELECT /*a='1'*/ 1").tags.empty());
  EXPECT_EQ(parse_sql_comment("SELECT 1 -- note\n/*a='1'*/").get("a"), "1");
}

// PostgreSQL ends a -- comment at \r as well as \n; what follows is not
// inside it.
TEST(SqlCommenter, ALineCommentEndsAtACarriageReturn) {
  auto c = parse_sql_comment("SELECT 1 -- note\r/*route='a'*/");
  EXPECT_EQ(c.route(), "a");
}

// Nothing inside a literal or a quoted identifier is a comment.
TEST(SqlCommenter, CommentsInsideLiteralsDoNotCount) {
  for (const char* sql : {"SELECT '/*route=''x''*/'", "SELECT $$ /*route='x'*/ $$", "SELECT $q$/*route='x'*/$q$",
                          "SELECT \"/*route='x'*/\"", "SELECT E'\\' /*route=''x''*/'"}) {
    EXPECT_FALSE(parse_sql_comment(sql).route().has_value()) << sql;
  }
  EXPECT_EQ(parse_sql_comment("SELECT $$ x $$ /*route='y'*/").route(), "y");
}

// The fingerprinter's own pass yields the same facts, with a comment at the
// end of a multi-statement Query speaking for each of its statements.
TEST(SqlCommenter, FingerprinterCarriesTheCommentOfEachStatement) {
  Fingerprinter fp;
  const std::string sql = "SELECT 1; SELECT 2 /*route='r',traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/";
  for (const auto& res : {fp.analyze(sql), fp.analyze_uncached(sql)}) {
    ASSERT_EQ(res.size(), 2u);
    for (const auto& s : res) {
      EXPECT_EQ(s.comment.route(), "r") << s.text;
      ASSERT_TRUE(s.comment.traceparent.has_value()) << s.text;
      EXPECT_EQ(s.comment.traceparent->trace_id, "0af7651916cd43dd8448eb211c80319c");
    }
  }
  const auto own = fp.analyze("/*route='first'*/ SELECT 1; SELECT 2 /* pgsleuth:ignore */");
  ASSERT_EQ(own.size(), 2u);
  EXPECT_EQ(own[0].comment.route(), "first");
  EXPECT_TRUE(own[1].comment.ignore_all);
  EXPECT_FALSE(own[0].comment.ignore_all);
}

TEST(SqlCommenter, IgnoreMarkers) {
  EXPECT_TRUE(parse_sql_comment("SELECT 1 /* pgsleuth:ignore */").ignore_all);
  EXPECT_TRUE(parse_sql_comment("SELECT 1 -- pgsleuth:ignore").ignore_all);
  const auto c = parse_sql_comment("SELECT /* pgsleuth:ignore=n_plus_one,duplicate_query */ 1");
  EXPECT_FALSE(c.ignore_all);
  EXPECT_EQ(c.ignore_kinds, (std::vector<std::string>{"n_plus_one", "duplicate_query"}));
  EXPECT_FALSE(parse_sql_comment("SELECT 'pgsleuth:ignore'").ignore_all);
}

}  // namespace
}  // namespace pgsleuth::fingerprint
