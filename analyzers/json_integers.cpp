#include "analyzers/json_integers.hpp"

#include <cstdint>
#include <limits>

#include <boost/json.hpp>

namespace pgsleuth::analyzers {

void use_signed_integers(boost::json::value& value) {
  if (value.is_uint64()) {
    const uint64_t v = value.get_uint64();
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      value = static_cast<int64_t>(v);
    }
  } else if (auto* a = value.if_array()) {
    for (auto& v : *a) use_signed_integers(v);
  } else if (auto* o = value.if_object()) {
    for (auto& kv : *o) use_signed_integers(kv.value());
  }
}

}  // namespace pgsleuth::analyzers
