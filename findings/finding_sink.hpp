#pragma once
// Where findings go: the JSON Lines writer, the admin endpoint's recent
// lists, metrics. The analyzer calls these on the analysis thread, with
// typed values; a sink that writes text makes them JSON (findings/json.hpp).

#include "findings/finding.hpp"
#include "findings/request_summary.hpp"

namespace pgsleuth::findings {

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void emit(const Finding& finding) = 0;
  // One per request window, always; a sink decides whether it keeps them.
  virtual void emit(const RequestSummary& summary) = 0;
};

}  // namespace pgsleuth::findings
