// Condition texts as PostgreSQL 15's EXPLAIN (VERBOSE) prints them, read
// with libpg_query.
#include "advisor/conditions.hpp"

#include <gtest/gtest.h>

namespace pgsleuth::advisor {
namespace {

ColumnUse use_of(std::string_view alias, std::string_view condition) {
  ColumnUse use;
  add_condition(use, alias, condition);
  return use;
}

using Columns = std::vector<std::string>;

TEST(Conditions, EqualitiesFirstMentionFirstAndRanges) {
  const auto use = use_of("orders",
                          "((orders.created_at > '2026-01-01 00:00:00+00'::timestamp with time zone) AND "
                          "(orders.status = 'paid'::text) AND (orders.region = 3))");
  EXPECT_EQ(use.equality, (Columns{"status", "region"}));
  EXPECT_EQ(use.range, (Columns{"created_at"}));
}

TEST(Conditions, CastsAnyAndNullTestsAreIndexable) {
  const auto use = use_of("o", "(((o.status)::text = ANY ('{a,b}'::text[])) AND (o.deleted_at IS NULL) AND "
                               "(42 >= o.total))");
  EXPECT_EQ(use.equality, (Columns{"status", "deleted_at"}));
  EXPECT_EQ(use.range, (Columns{"total"}));
}

TEST(Conditions, AnotherRelationsColumnIsAValueButTheSameRelationsIsNot) {
  EXPECT_EQ(use_of("o", "(c.id = o.customer_id)").equality, (Columns{"customer_id"}));
  EXPECT_TRUE(use_of("orders", "(orders.customer_id = orders.region)").equality.empty());
}

TEST(Conditions, OrFunctionsAndUnreadableTextAddNothing) {
  const auto use = use_of("orders",
                          "((orders.customer_id = orders.region) AND ((orders.status = 'paid'::text) OR "
                          "(orders.region = 3)) AND (lower(orders.status) = 'x'::text))");
  EXPECT_TRUE(use.equality.empty());
  EXPECT_TRUE(use.range.empty());
  EXPECT_TRUE(use_of("orders", "(hashed SubPlan 1)").equality.empty());
  EXPECT_TRUE(use_of("orders", "((orders.name)::text ~~ 'a%'::text)").equality.empty());
}

TEST(Conditions, SortKeysAreColumnsWithTheirDirection) {
  ColumnUse use;
  set_sort_keys(use, "orders", {"orders.created_at DESC", "orders.id"});
  EXPECT_EQ(use.order, (std::vector<OrderColumn>{{"created_at", true}, {"id", false}}));
  set_sort_keys(use, "orders", {"(lower(orders.status))"});
  EXPECT_TRUE(use.order.empty());
}

}  // namespace
}  // namespace pgsleuth::advisor
