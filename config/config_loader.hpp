#pragma once
// Reads a TOML config file into Config. Every key of the contract and the
// project's own; anything else (unknown key or table, wrong type, value out
// of range) is a ConfigError whose what() is one line: file, line, key path,
// the value and what is allowed.
//
// SIGHUP reload: call load_config_file again on the same path (or
// reload_config in command_line.hpp to keep the command line's overrides)
// and take .analysis and .output from the result; on ConfigError keep the old
// settings.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/one_line.hpp"
#include "config/config.hpp"

namespace pgsleuth::config {

// One line by construction, whatever a key or value in the file holds.
struct ConfigError : std::runtime_error {
  explicit ConfigError(std::string_view message) : std::runtime_error(common::one_line(message)) {}
};

// `base` supplies every value the file does not set (defaults, normally).
Config load_config_file(const std::string& path, Config base = {});
// The same from text; `source_name` stands for the file name in errors.
Config load_config_text(std::string_view toml_text, const std::string& source_name, Config base = {});

// Log levels spdlog knows, as the config and --log-level accept them.
bool is_log_level(std::string_view level);
inline constexpr std::string_view kLogLevelsAllowed = "trace, debug, info, warn, error, critical, off";

// The sslmode values of [client_tls] (pgbouncer's) and [server_tls] (libpq's).
inline const std::vector<std::string_view> kClientSslModes = {"disable", "allow", "prefer", "require",
                                                              "verify-ca", "verify-full"};
inline const std::vector<std::string_view> kServerSslModes = {"disable", "prefer", "require", "verify-ca",
                                                              "verify-full"};

// Copies output settings analysis reads into AnalysisSettings (its mirrors).
void sync_mirrors(Config& config);

}  // namespace pgsleuth::config
