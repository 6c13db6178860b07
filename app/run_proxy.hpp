#pragma once
#include <string>

#include "config/command_line.hpp"

namespace pgsleuth::app {

// Runs the proxy until SIGINT/SIGTERM. Returns the exit code (0 after a
// clean shutdown, 1 when it cannot start).
int run_proxy(const config::CommandLine& command_line);

// The TLS settings' files loaded as the proxy would: "" when they are
// fine, else the one line naming the key and the file (exit 2).
std::string tls_config_error(const config::Config& config);

}  // namespace pgsleuth::app
