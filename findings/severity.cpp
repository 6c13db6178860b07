#include "findings/severity.hpp"

#include <array>

namespace pgsleuth::findings {
namespace {

constexpr std::array<std::string_view, 4> kNames = {"low", "medium", "high", "critical"};

}  // namespace

std::string_view to_string(Severity severity) { return kNames.at(static_cast<size_t>(severity)); }

std::optional<Severity> parse_severity(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

}  // namespace pgsleuth::findings
