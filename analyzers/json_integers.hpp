#pragma once
// Findings hold their integers as int64, the kind boost::json::parse gives
// back, so in-process consumers (admin endpoint, router) see the same types
// as a reader of the findings file.

#include <boost/json/value.hpp>

namespace pgsleuth::analyzers {

// Every unsigned integer in `value` that fits becomes a signed one, recursively.
void use_signed_integers(boost::json::value& value);

}  // namespace pgsleuth::analyzers
