#pragma once
// Turns a detection into the contract's JSON object: every common field
// present on every finding, with a value or null.

#include <boost/json/object.hpp>

#include "analyzers/detection.hpp"
#include "analyzers/severity.hpp"

namespace pgsleuth::analyzers {

// RFC 3339, UTC, milliseconds: 2024-05-01T12:00:00.123Z
std::string rfc3339(WallTime t);

// The wall-clock time a window ended at `now`: steady time carried over
// from its last statement's wall time.
WallTime window_end_wall(const RequestWindow& window, SteadyTime now);

// `window` is null for findings not about a window (connection_churn);
// `conn` is the connection the finding names when there is no sample.
boost::json::object build_finding(const Detection& d, Severity severity,
                                  const RequestWindow* window,
                                  const events::ConnectionInfoPtr& conn, WallTime ts);

boost::json::object build_request_summary(const RequestWindow& window, WallTime ts);

}  // namespace pgsleuth::analyzers
