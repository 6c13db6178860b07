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

inline constexpr const char* kFaultHelp =
    "Index advisor faults, by cause (logged once per cause and database; clients never see them).";

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
    {AdvisorMetric::FaultConnect, {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "connect"}},
    {AdvisorMetric::FaultLogin, {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "login"}},
    {AdvisorMetric::FaultPermission,
     {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "permission"}},
    {AdvisorMetric::FaultTimeout, {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "timeout"}},
    {AdvisorMetric::FaultPlan, {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "plan"}},
    {AdvisorMetric::FaultConnectionLost,
     {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "connection_lost"}},
    {AdvisorMetric::FaultStatement,
     {"pgsleuth_advisor_faults_total", MetricType::Counter, kFaultHelp, "cause", "statement"}},
}};
static_assert(in_enum_order(kAdvisorMetrics));

}  // namespace pgsleuth::advisor
