#pragma once
// Where findings go: the JSON Lines writer, the admin endpoint's recent list,
// metrics. One finding is one JSON object with the contract's fields.

#include <boost/json/object.hpp>

namespace pgsleuth::analyzers {

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // Called on the analysis thread. `finding["kind"]` is one of the
  // contract's kinds, or "request_summary".
  virtual void emit(const boost::json::object& finding) = 0;
};

}  // namespace pgsleuth::analyzers
