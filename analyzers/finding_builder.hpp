#pragma once
// Turns a detection into a finding with every common field of the contract
// (a value, or empty where the contract says null), and a closed window into
// its request summary.

#include "analyzers/detection.hpp"
#include "analyzers/severity.hpp"
#include "findings/finding.hpp"
#include "findings/request_summary.hpp"

namespace pgsleuth::analyzers {

// The wall-clock time a window ended at `now`: steady time carried over
// from its last statement's wall time.
WallTime window_end_wall(const RequestWindow& window, SteadyTime now);

// The request fields of a finding about `window`.
findings::Window window_of(const RequestWindow& window);

// `window` is null for findings not about a window (connection_churn);
// `conn` is the connection the finding names when there is no sample.
findings::Finding build_finding(const Detection& d, Severity severity, const RequestWindow* window,
                                const events::ConnectionInfoPtr& conn, WallTime ts);

findings::RequestSummary build_request_summary(const RequestWindow& window, WallTime ts);

}  // namespace pgsleuth::analyzers
