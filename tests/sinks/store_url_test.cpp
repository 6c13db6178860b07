// A fleet store URL in a log line or an error: never its password.
#include "sinks/store_url.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::sinks {
namespace {

TEST(StoreUrl, RecognisesBothOfLibpqsSchemesOnly) {
  for (const char* url : {"postgresql://u@h:5432/db", "postgres://h/db"}) EXPECT_TRUE(is_store_url(url)) << url;
  for (const char* path : {"findings.jsonl", "-", "/tmp/postgresql://x"}) EXPECT_FALSE(is_store_url(path)) << path;
}

TEST(StoreUrl, RedactsThePasswordInTheUserPartAndInParameters) {
  struct Case {
    const char* url;
    const char* redacted;
  };
  for (const Case& c : {
           Case{"postgresql://app:s3cret@db:5432/fleet", "postgresql://app:***@db:5432/fleet"},
           Case{"postgresql://app@db:5432/fleet", "postgresql://app@db:5432/fleet"},
           Case{"postgresql://db/fleet?user=app&password=s3cret&sslmode=require",
                "postgresql://db/fleet?user=app&password=***&sslmode=require"},
           Case{"postgres://a:b%40c@[::1]:5432/x?password=z", "postgres://a:***@[::1]:5432/x?password=***"},
           // An '@' in the path or parameters is not the user part's end.
           Case{"postgresql://h/db?application_name=a@b", "postgresql://h/db?application_name=a@b"},
       }) {
    EXPECT_EQ(redacted_url(c.url), c.redacted);
  }
}

TEST(StoreUrl, MessagesLoseThePasswordRawOrDecoded) {
  const std::string url = "postgresql://app:p%40ss@db/fleet";
  EXPECT_EQ(without_password("auth failed for p%40ss and p@ss", url), "auth failed for *** and ***");
}

TEST(StoreUrl, LibpqParsesItOrTheErrorSaysWhyWithoutThePassword) {
  EXPECT_EQ(store_url_error("postgresql://app:pw@127.0.0.1:5432/fleet"), "");
  const std::string bad = store_url_error("postgresql://app:hunter2@127.0.0.1:5432/fleet?nosuchoption=1");
  EXPECT_NE(bad, "");
  EXPECT_EQ(bad.find("hunter2"), std::string::npos) << bad;
  EXPECT_EQ(bad.find('\n'), std::string::npos) << bad;
}

}  // namespace
}  // namespace pgsleuth::sinks
