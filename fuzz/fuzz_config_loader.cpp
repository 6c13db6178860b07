// The config loader: any text is a Config or a ConfigError, and the error is
// the one line the contract promises (file, line, key, what is wrong). Any
// other exception escapes and is a crash.

#include <string>

#include "config/config_loader.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pgsleuth::config;
  try {
    const Config c = load_config_text(pgsleuth::fuzz::as_text(data, size), "fuzz.toml");
    FUZZ_CHECK(c.analysis.max_repeats_per_minute == c.output.max_repeats_per_minute);
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    FUZZ_CHECK(what.rfind("fuzz.toml:", 0) == 0);
    FUZZ_CHECK(what.find('\n') == std::string::npos && what.find('\r') == std::string::npos);
  }
  return 0;
}
