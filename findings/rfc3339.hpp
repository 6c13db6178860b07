#pragma once
// The stream's timestamps: RFC 3339, UTC, milliseconds (2024-05-01T12:00:00.123Z).

#include <optional>
#include <string>
#include <string_view>

#include "findings/finding.hpp"

namespace pgsleuth::findings {

std::string rfc3339(WallTime t);

// Reads what rfc3339 writes, and any RFC 3339 time with a fraction of up to
// nanoseconds and a Z or +hh:mm / -hh:mm offset.
std::optional<WallTime> parse_rfc3339(std::string_view text);

}  // namespace pgsleuth::findings
