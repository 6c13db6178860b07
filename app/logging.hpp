#pragma once
// Logs go to standard error only (findings may be on standard output).

#include "config/config.hpp"

namespace pgsleuth::app {

void setup_logging(const config::LogSettings& settings);

}  // namespace pgsleuth::app
