#include "advisor/index_choice.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::advisor {
namespace {

std::vector<std::string> names(const std::vector<OrderColumn>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.column);
  return out;
}

using Columns = std::vector<std::string>;

TEST(IndexChoice, EqualitiesThenOneRangeColumn) {
  ColumnUse use{{"status", "region"}, {"created_at", "total"}, {}};
  EXPECT_EQ(names(choose_columns(use, {})), (Columns{"status", "region", "created_at"}));
}

TEST(IndexChoice, EqualitiesThenTheOrderByColumnsWhenNoRange) {
  ColumnUse use{{"region"}, {}, {{"created_at", true}}};
  const auto columns = choose_columns(use, {});
  EXPECT_EQ(names(columns), (Columns{"region", "created_at"}));
  EXPECT_EQ(index_ddl("public", "orders", columns), "CREATE INDEX CONCURRENTLY ON public.orders (region, created_at DESC)");
  // After a range column the index no longer gives the order.
  ColumnUse ranged{{"region"}, {"total"}, {{"created_at", true}}};
  EXPECT_EQ(names(choose_columns(ranged, {})), (Columns{"region", "total"}));
}

TEST(IndexChoice, NeverAnIndexAnExistingOneAlreadyLeadsWith) {
  ColumnUse use{{"status", "region"}, {}, {}};
  EXPECT_TRUE(choose_columns(use, {{"region", "status", "id"}}).empty());  // equalities in any order
  EXPECT_EQ(names(choose_columns(use, {{"region"}, {"id"}})), (Columns{"status", "region"}));
  ColumnUse sorted{{}, {}, {{"created_at", false}}};
  EXPECT_TRUE(choose_columns(sorted, {{"created_at"}}).empty());
  EXPECT_TRUE(choose_columns(ColumnUse{}, {}).empty());
}

TEST(IndexChoice, IdentifiersAreQuotedWhenSqlNeedsIt) {
  EXPECT_EQ(quote_identifier("customer_id"), "customer_id");
  EXPECT_EQ(quote_identifier("order"), "\"order\"");
  EXPECT_EQ(quote_identifier("user"), "\"user\"");
  EXPECT_EQ(quote_identifier("CamelCase"), "\"CamelCase\"");
  EXPECT_EQ(quote_identifier("with \"quote\""), "\"with \"\"quote\"\"\"");
  EXPECT_EQ(index_ddl("Sales", "order", {{"user", false}}, false), "CREATE INDEX ON \"Sales\".\"order\" (\"user\")");
}

}  // namespace
}  // namespace pgsleuth::advisor
