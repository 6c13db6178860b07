#pragma once
// Each kind's own fields as JSON, written after the common fields in the
// order the contract's consumers know.

#include <boost/json/object.hpp>

#include "findings/details.hpp"

namespace pgsleuth::findings {

void put_details(boost::json::object& line, const Details& details);
// Best effort, but db_time_ms is checked (report uses it). Throws BadLine.
Details details_from_json(FindingKind kind, const boost::json::object& line);

}  // namespace pgsleuth::findings
