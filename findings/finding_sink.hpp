#pragma once
// Where findings go: the JSON Lines writer, the admin endpoint's recent
// lists, metrics. The analyzer calls these on the analysis thread, with
// typed values; a sink that writes text makes them JSON (findings/json.hpp).

#include <boost/core/noncopyable.hpp>

#include "findings/finding.hpp"
#include "findings/request_summary.hpp"
#include "findings/route_summary.hpp"

namespace pgsleuth::findings {

// A sink owns a stream, a thread or a connection; a copy would slice it.
class FindingSink : boost::noncopyable {
 public:
  virtual ~FindingSink() = default;
  virtual void emit(const Finding& finding) = 0;
  // One per request window, always; a sink decides whether it keeps them.
  virtual void emit(const RequestSummary& summary) = 0;
  // Per route, once a minute and at shutdown; only the stream keeps them.
  virtual void emit(const RouteSummary&) {}
  // The analysis thread's clock, about every 50 ms; `last` once, at
  // shutdown, after every window has ended.
  virtual void on_clock(WallTime /*now*/, bool /*last*/) {}
};

}  // namespace pgsleuth::findings
