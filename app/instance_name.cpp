#include "app/instance_name.hpp"

#include <unistd.h>

#include <climits>

namespace pgsleuth::app {

std::string instance_name(const config::InstanceSettings& settings, uint16_t listen_port) {
  if (!settings.name.empty()) return settings.name;
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost:" + std::to_string(listen_port);
  return std::string(host) + ":" + std::to_string(listen_port);
}

}  // namespace pgsleuth::app
