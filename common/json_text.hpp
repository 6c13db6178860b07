#pragma once
// JSON text for people as well as parsers. Boost.JSON 1.81 writes every
// double in exponent form (1.025E0); this writes the shortest plain form
// (1.025) and null for NaN or infinity, everything else as Boost does.

#include <string>

#include <boost/json/value.hpp>

namespace pgsleuth::common {

std::string json_text(const boost::json::value& value);
void append_json_text(std::string& out, const boost::json::value& value);

}  // namespace pgsleuth::common
