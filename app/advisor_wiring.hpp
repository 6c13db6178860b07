#pragma once
// The index advisor's settings from the config: the same upstream as the
// proxy, advisor.user and its password file, [server_tls]'s sslmode and
// files for libpq.

#include <memory>

#include "advisor/advisor.hpp"
#include "config/config.hpp"

namespace pgsleuth::app {

// Null when advisor.enabled is false. A password file that cannot be read is
// logged and the advisor logs in without one (the server then says why).
std::unique_ptr<advisor::Advisor> make_advisor(const config::Config& cfg);

}  // namespace pgsleuth::app
