#include "findings/finding_kind.hpp"

namespace pgsleuth::findings {

std::optional<FindingKind> parse_finding_kind(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

}  // namespace pgsleuth::findings
