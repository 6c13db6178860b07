#include "findings/details.hpp"

namespace pgsleuth::findings {
namespace {

template <size_t... I>
Details details_for(FindingKind kind, std::index_sequence<I...>) {
  Details details;
  ((static_cast<size_t>(kind) == I ? void(details.emplace<I>()) : void()), ...);
  return details;
}

}  // namespace

Details details_for(FindingKind kind) { return details_for(kind, std::make_index_sequence<kKindCount>{}); }

}  // namespace pgsleuth::findings
