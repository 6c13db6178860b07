#pragma once
// The missing_index finding for one suggested index: the common fields from
// the candidate's sample, the sentence for a person, the DDL. Pure.

#include <optional>

#include "advisor/candidate.hpp"
#include "advisor/conditions.hpp"
#include "advisor/plan_reader.hpp"
#include "findings/finding.hpp"

namespace pgsleuth::advisor {

struct Suggestion {
  const Candidate* candidate = nullptr;
  const CandidateSample* sample = nullptr;  // the explained one
  const Opportunity* where = nullptr;
  std::vector<OrderColumn> columns;
  double table_rows = 0;
  double cost_before = 0;
  std::optional<double> cost_after;  // with HypoPG's hypothetical index
};

findings::Finding missing_index_finding(const Suggestion& s);

}  // namespace pgsleuth::advisor
