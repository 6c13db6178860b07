#pragma once
// The contract's `instance`: instance.name, else "<host name>:<listen port>"
// (the port the proxy really listens on, so port 0 still names it).

#include <cstdint>
#include <string>

#include "config/config.hpp"

namespace pgsleuth::app {

std::string instance_name(const config::InstanceSettings& settings, uint16_t listen_port);

}  // namespace pgsleuth::app
