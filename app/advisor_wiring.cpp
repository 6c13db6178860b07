#include "app/advisor_wiring.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <spdlog/spdlog.h>

#include "config/host_port.hpp"

namespace pgsleuth::app {
namespace {

std::string first_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    spdlog::error("advisor.password_file {}: cannot read it ({}); the advisor logs in without a password", path,
                  std::strerror(errno));
    return "";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::unique_ptr<advisor::Advisor> make_advisor(const config::Config& cfg) {
  const auto& a = cfg.advisor;
  if (!a.enabled) return nullptr;
  const auto upstream = config::parse_host_port(cfg.proxy.upstream);
  advisor::ReviewSettings s;
  s.connection.host = upstream.host;
  s.connection.port = upstream.port;
  s.connection.user = a.user;
  if (!a.password_file.empty()) s.connection.password = first_line_of(a.password_file);
  s.connection.statement_timeout_ms = a.statement_timeout_ms;
  s.connection.connect_timeout_s = std::max<uint32_t>(1, (cfg.proxy.connect_timeout_ms + 999) / 1000);
  s.connection.sslmode = cfg.server_tls.sslmode;
  s.connection.sslrootcert = cfg.server_tls.ca_file;
  s.connection.sslcert = cfg.server_tls.cert_file;
  s.connection.sslkey = cfg.server_tls.key_file;
  s.min_table_rows = a.min_table_rows;
  s.max_explains_per_minute = a.max_explains_per_minute;
  if (a.user.empty()) {
    spdlog::warn("advisor.enabled is true but advisor.user is empty: the advisor logs in as libpq's default user");
  }
  return std::make_unique<advisor::Advisor>(std::move(s));
}

}  // namespace pgsleuth::app
