#pragma once
// The command line: flags per the contract plus the project's own, and the
// report / check / baseline subcommands. Precedence: defaults <- config file
// <- flags.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/one_line.hpp"
#include "config/config.hpp"

namespace pgsleuth::config {

enum class Command { Run, Help, Version, CheckConfig, Report, Check, Baseline };

struct CommandLine {
  Command command = Command::Run;
  Config config;                  // Run/CheckConfig: defaults <- config file <- flags
  std::string events_path;        // --events PATH: debug stream of statement events as JSON Lines ("-" = stdout); empty = off
  std::vector<std::string> args;  // Report/Check/Baseline: the arguments after the subcommand
  // The flags that override the config file, as (flag name, value), so a
  // reload can apply them again on top of the re-read file.
  std::vector<std::pair<std::string, std::string>> overrides;
};

// what() is the one line to print (naming the flag/key and what was wrong),
// one line by construction whatever the flag held.
struct UsageError : std::runtime_error {
  explicit UsageError(std::string_view message) : std::runtime_error(common::one_line(message)) {}
};

// Throws UsageError, also for a bad --config / --check-config file (with the
// config error's line as its what()).
CommandLine parse_command_line(int argc, const char* const* argv);

// SIGHUP: re-reads command_line.config.config_path (defaults if none) and
// applies the command line's flag overrides again. Throws ConfigError (from
// config_loader.hpp) on a bad file; the caller keeps its old settings then.
Config reload_config(const CommandLine& command_line);

std::string help_text();

}  // namespace pgsleuth::config
