// SqlText: one shared copy of a statement's text, "" when there is none.
#include "events/sql_text.hpp"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace pgsleuth::events {
namespace {

TEST(SqlText, CopiesShareOneCopyOfTheText) {
  const SqlText a("SELECT 1");
  const SqlText b = a;
  EXPECT_EQ(*b, "SELECT 1");
  EXPECT_EQ(a->data(), b->data());
  EXPECT_TRUE(a.same_copy(b));
  EXPECT_FALSE(a.same_copy(SqlText("SELECT 1")));  // equal text, another copy
}

TEST(SqlText, EveryEmptyTextIsTheSameCopy) {
  EXPECT_EQ(*SqlText(), "");
  EXPECT_TRUE(SqlText().same_copy(SqlText("")));
  EXPECT_FALSE(SqlText().same_copy(SqlText("x")));
}

TEST(SqlText, TheTextOutlivesTheOneItWasCopiedFrom) {
  SqlText kept;
  {
    std::string source = "SELECT name FROM authors WHERE id = 42";
    const SqlText made(source);
    source.assign(source.size(), '?');
    kept = made;
  }
  EXPECT_EQ(*kept, "SELECT name FROM authors WHERE id = 42");
}

TEST(SqlText, AMovedFromTextIsEmpty) {
  SqlText a("SELECT 1");
  SqlText b = std::move(a);
  EXPECT_EQ(*b, "SELECT 1");
  EXPECT_EQ(*a, "");  // NOLINT(bugprone-use-after-move): the state is specified
  SqlText c;
  c = std::move(b);
  EXPECT_EQ(*c, "SELECT 1");
  EXPECT_EQ(*b, "");  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(a.same_copy(SqlText()));  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace pgsleuth::events
