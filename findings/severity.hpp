#pragma once
// The contract's severities, least severe first: the enum order is the rank.

#include <optional>
#include <string_view>

namespace pgsleuth::findings {

enum class Severity { Low, Medium, High, Critical };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view name);

}  // namespace pgsleuth::findings
