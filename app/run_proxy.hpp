#pragma once
#include "config/command_line.hpp"

namespace pgsleuth::app {

// Runs the proxy until SIGINT/SIGTERM. Returns the exit code (0 after a
// clean shutdown, 1 when it cannot start).
int run_proxy(const config::CommandLine& command_line);

}  // namespace pgsleuth::app
