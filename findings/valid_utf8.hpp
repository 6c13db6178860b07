#pragma once
// Statement text and parameters come from the wire and may hold any bytes;
// JSON Lines consumers need valid UTF-8. Invalid sequences become U+FFFD.

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace pgsleuth::findings {

std::string valid_utf8(std::string_view text);

// Every string (and key) in `value`, recursively.
void make_valid_utf8(boost::json::value& value);

}  // namespace pgsleuth::findings
