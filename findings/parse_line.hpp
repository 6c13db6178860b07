#pragma once
// The reader behind `pgsleuth report` and `check`: one line of a findings
// file back into the typed values the program wrote it from.

#include <string_view>
#include <variant>

#include "findings/json.hpp"

namespace pgsleuth::findings {

using Line = std::variant<Finding, RequestSummary, RouteSummary>;

// Throws BadLine: not JSON, not an object, no or an unknown kind, or a field
// report/check rely on of the wrong type (see json.hpp).
Line parse_line(std::string_view text);

}  // namespace pgsleuth::findings
