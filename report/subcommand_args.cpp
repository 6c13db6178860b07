#include "report/subcommand_args.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgsleuth::report {

SubcommandArgs parse_subcommand_args(const std::vector<std::string>& args, const std::vector<std::string_view>& flags,
                                     std::string_view command) {
  SubcommandArgs result;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word.size() > 2 && word.compare(0, 2, "--") == 0) {
      const size_t eq = word.find('=');
      const std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (std::find(flags.begin(), flags.end(), name) == flags.end()) {
        throw ArgError(fmt::format("pgsleuth {}: unknown flag --{} (allowed: --{})", command, name,
                                   fmt::join(flags, ", --")));
      }
      std::string value;
      if (eq != std::string::npos) {
        value = word.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      }
      if (value.empty()) throw ArgError(fmt::format("pgsleuth {}: flag --{} needs a value", command, name));
      result.flags[name] = value;
    } else if (result.file.empty()) {
      result.file = word;
    } else {
      throw ArgError(fmt::format("pgsleuth {}: unexpected argument '{}' (one findings file only)", command, word));
    }
  }
  if (result.file.empty()) {
    throw ArgError(fmt::format("pgsleuth {}: missing the findings file (pgsleuth {} FILE.jsonl ...)", command, command));
  }
  return result;
}

}  // namespace pgsleuth::report
