#pragma once
// One hash for parameter and cell values, so the proxy (cells) and analysis
// (parameters, literal constants) agree on what "the same value" is.
#include <cstdint>
#include <string_view>
#include <xxhash.h>

namespace pgsleuth::events {

inline uint64_t value_hash(std::string_view v) {
  return XXH3_64bits(v.data(), v.size());
}

}  // namespace pgsleuth::events
