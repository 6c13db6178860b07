#pragma once
// Builds the ErrorResponse the proxy itself sends (upstream unreachable,
// shutting down, too many connections), in the server's field format.

#include <string>
#include <string_view>

namespace pgsleuth::wire {

std::string make_error_response(std::string_view severity, std::string_view sqlstate,
                                std::string_view message);

}  // namespace pgsleuth::wire
