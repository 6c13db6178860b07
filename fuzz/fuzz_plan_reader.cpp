// The advisor reads what the server's EXPLAIN (FORMAT JSON) printed, and the
// condition texts in it with libpg_query: any bytes either give a plan or a
// PlanError, and whatever conditions the plan names give column uses without
// a crash. Every opportunity names a relation, and its columns are ones the
// conditions mentioned.

#include <string>

#include "advisor/conditions.hpp"
#include "advisor/plan_reader.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgsleuth::advisor;
  const std::string_view input = pgsleuth::fuzz::as_text(data, size);
  // The same bytes as a condition text, as a Sort key: neither may crash.
  ColumnUse direct;
  add_condition(direct, "t", input);
  set_sort_keys(direct, "t", {std::string(input)});
  try {
    const ReadPlan plan = read_plan(input);
    for (const Opportunity& o : plan.opportunities) {
      FUZZ_CHECK(!o.relation.empty());
      ColumnUse use;
      const std::string_view alias = o.alias.empty() ? std::string_view(o.relation) : std::string_view(o.alias);
      add_condition(use, alias, o.filter);
      add_condition(use, alias, o.join_condition);
      set_sort_keys(use, alias, o.sort_keys);
    }
  } catch (const PlanError&) {
  }
  try {
    (void)plan_total_cost(input);
  } catch (const PlanError&) {
  }
  return 0;
}
