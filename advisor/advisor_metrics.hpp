#pragma once
// What the index advisor counts, declared once; /metrics walks this table
// after the app's. Faults are one family with a label per cause (fault.hpp).

#include "common/metric.hpp"

namespace pgsleuth::advisor {

enum class AdvisorMetric {
  Candidates,
  CandidatesDropped,
  Explains,
  Suggestions,
  FaultConnect,
  FaultLogin,
  FaultPermission,
  FaultTimeout,
  FaultPlan,
  FaultConnectionLost,
  FaultStatement,
  Count
};

inline constexpr MetricInfo kAdvisorFaults{
    "pgsleuth_advisor_faults_total", MetricType::Counter,
    "Index advisor faults, by cause (logged once per cause and database; clients never see them).", "cause"};

inline constexpr MetricTable<AdvisorMetric> kAdvisorMetrics{{
    {AdvisorMetric::Candidates,
     {"pgsleuth_advisor_candidates_total", MetricType::Counter,
      "Statements handed to the index advisor (costly, slow or unbounded fingerprints)."}},
    {AdvisorMetric::CandidatesDropped,
     {"pgsleuth_advisor_candidates_dropped_total", MetricType::Counter,
      "Candidates dropped because the advisor's queue was full (it is behind)."}},
    {AdvisorMetric::Explains,
     {"pgsleuth_advisor_explains_total", MetricType::Counter,
      "EXPLAINs the advisor ran on its side connections (never EXPLAIN ANALYZE)."}},
    {AdvisorMetric::Suggestions,
     {"pgsleuth_advisor_suggestions_total", MetricType::Counter,
      "missing_index findings the advisor made (before the rate limit)."}},
    {AdvisorMetric::FaultConnect, labelled(kAdvisorFaults, "connect")},
    {AdvisorMetric::FaultLogin, labelled(kAdvisorFaults, "login")},
    {AdvisorMetric::FaultPermission, labelled(kAdvisorFaults, "permission")},
    {AdvisorMetric::FaultTimeout, labelled(kAdvisorFaults, "timeout")},
    {AdvisorMetric::FaultPlan, labelled(kAdvisorFaults, "plan")},
    {AdvisorMetric::FaultConnectionLost, labelled(kAdvisorFaults, "connection_lost")},
    {AdvisorMetric::FaultStatement, labelled(kAdvisorFaults, "statement")},
}};
static_assert(in_enum_order(kAdvisorMetrics));

}  // namespace pgsleuth::advisor
