#pragma once
// HOST:PORT as the command line, the config file and the admin endpoint take
// it: a host name or IPv4 address, or an IPv6 address in [brackets], and a
// port from 1 to 65535.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pgsleuth::config {

struct HostPort {
  std::string host;  // without brackets, ready for a resolver
  uint16_t port = 0;
};

// Throws std::invalid_argument whose what() says what is wrong (without the
// value itself; callers add the flag or key they are reading).
// `allow_port_zero` is for callers that bind an ephemeral port (tests).
HostPort parse_host_port(std::string_view text, bool allow_port_zero = false);

}  // namespace pgsleuth::config
