// The plan reader on EXPLAIN (FORMAT JSON, VERBOSE) output of a real
// PostgreSQL 15 (plans/*.json: a 200,000-row orders table without indexes
// but its primary key, and a 5,000-row customers table).
#include "advisor/plan_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pgsleuth::advisor {
namespace {

std::string plan(const std::string& name) {
  std::ifstream in(std::string(ADVISOR_PLANS_DIR) + "/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

// The plan's one opportunity; throws, failing the test, unless it has exactly one.
Opportunity only_opportunity(const ReadPlan& p) {
  if (p.opportunities.size() != 1) {
    throw std::runtime_error(std::to_string(p.opportunities.size()) + " opportunities, not one");
  }
  return p.opportunities[0];
}

TEST(PlanReader, FilteredSeqScanNamesTheRelationItsFilterAndTheLine) {
  const ReadPlan p = read_plan(plan("seq_scan_equality"));
  EXPECT_DOUBLE_EQ(p.total_cost, 4127.00);
  const Opportunity o = only_opportunity(p);
  EXPECT_EQ(o.opening, Opening::FilteredScan);
  EXPECT_EQ(o.schema, "public");
  EXPECT_EQ(o.relation, "orders");
  EXPECT_EQ(o.alias, "orders");
  EXPECT_EQ(o.filter, "(orders.customer_id = 42)");
  EXPECT_EQ(o.plan_lines, std::vector<std::string>{
                              "Seq Scan on public.orders  (cost=0.00..4127.00 rows=40 width=8)  Filter: "
                              "(orders.customer_id = 42)"});
}

TEST(PlanReader, SortFeedingALimitIsAnOrderByLimit) {
  const Opportunity o = only_opportunity(read_plan(plan("sort_under_limit")));
  EXPECT_EQ(o.opening, Opening::SortUnderLimit);
  EXPECT_EQ(o.sort_keys, std::vector<std::string>{"orders.created_at DESC"});
  EXPECT_EQ(o.filter, "(orders.region = 3)");
  ASSERT_EQ(o.plan_lines.size(), 3u);  // Limit, Sort, Seq Scan
  EXPECT_TRUE(o.plan_lines[0].starts_with("Limit  (cost=")) << o.plan_lines[0];
  EXPECT_NE(o.plan_lines[1].find("Sort Key: orders.created_at DESC"), std::string::npos) << o.plan_lines[1];
}

TEST(PlanReader, ParallelSortUnderGatherMergeIsAnOrderByLimitToo) {
  const Opportunity o = only_opportunity(read_plan(plan("parallel_sort_under_limit")));
  EXPECT_EQ(o.opening, Opening::SortUnderLimit);
  EXPECT_EQ(o.sort_keys, std::vector<std::string>{"orders.created_at DESC"});
  EXPECT_TRUE(o.plan_lines.back().starts_with("Parallel Seq Scan on public.orders"));
}

TEST(PlanReader, BigTableJoinedToAFewRowsIsAJoinScan) {
  for (const char* name : {"nested_loop_join", "hash_join_small_side"}) {
    SCOPED_TRACE(name);
    const Opportunity o = only_opportunity(read_plan(plan(name)));
    EXPECT_EQ(o.opening, Opening::JoinScan);
    EXPECT_EQ(o.relation, "orders");
    EXPECT_EQ(o.alias, "o");
    EXPECT_NE(o.join_condition.find("o.customer_id"), std::string::npos) << o.join_condition;
    EXPECT_TRUE(o.plan_lines.front().find("Join") != std::string::npos ||
                o.plan_lines.front().starts_with("Nested Loop"));
  }
}

TEST(PlanReader, IndexScanWhoseFilterDoesTheRestNamesBothConditions) {
  const Opportunity o = only_opportunity(read_plan(plan("index_scan_with_filter")));
  EXPECT_EQ(o.opening, Opening::FilteredIndexScan);
  EXPECT_EQ(o.index_condition, "(orders.region = 3)");
  EXPECT_EQ(o.filter, "(orders.customer_id = 42)");
  EXPECT_EQ(o.plan_lines, std::vector<std::string>{
                              "Bitmap Heap Scan on public.orders  (cost=111.60..1889.20 rows=2 width=4)  Recheck Cond: "
                              "(orders.region = 3)  Filter: (orders.customer_id = 42)"});
}

TEST(PlanReader, IndexScansWithoutFilterAndUnfilteredAggregatesOfferNothing) {
  EXPECT_TRUE(read_plan(plan("unfiltered_seq_scan")).opportunities.empty());
  const ReadPlan p = read_plan(plan("with_hypothetical_index"));
  EXPECT_TRUE(p.opportunities.empty());
  EXPECT_DOUBLE_EQ(p.total_cost, 146.04);
  EXPECT_DOUBLE_EQ(plan_total_cost(plan("with_hypothetical_index")), 146.04);
}

TEST(PlanReader, WhatIsNotAPlanIsAPlanError) {
  for (const char* text : {"", "not json", "{}", "[]", "[{\"Plan\": 3}]", "[{\"Plan\": {\"Plans\": 1}}]"}) {
    EXPECT_THROW(read_plan(text), PlanError) << text;
  }
}

}  // namespace
}  // namespace pgsleuth::advisor
