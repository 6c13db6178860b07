#pragma once
// The arguments of `pgsleuth report|check|baseline`: one file, then flags
// given as --flag value or --flag=value.

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pgsleuth::report {

// what() is the one line to print; the command exits 2.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SubcommandArgs {
  std::string file;
  std::map<std::string, std::string> flags;  // name without "--" -> value
};

SubcommandArgs parse_subcommand_args(const std::vector<std::string>& args, const std::vector<std::string_view>& flags,
                                     std::string_view command);

}  // namespace pgsleuth::report
