#pragma once
// Opens where the findings stream goes: output.findings, and
// output.findings_copy when set, each a JSON Lines path ("-" = standard
// output) or a postgresql:// fleet store.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "findings/finding_sink.hpp"
#include "sinks/store_writer.hpp"

namespace pgsleuth::app {

// A destination the config got wrong (a URL libpq cannot parse): exit 2.
struct OutputConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct FindingsOutput {
  std::unique_ptr<findings::FindingSink> sink;  // what the router writes to
  std::vector<sinks::StoreWriter*> stores;      // owned by `sink`, for metrics and shutdown
};

// Throws OutputConfigError, or std::runtime_error when a file cannot be
// opened (exit 1). Every message is one line without a password.
FindingsOutput open_findings_output(const config::Config& cfg);

// What open_findings_output would refuse as OutputConfigError, without
// opening anything (--check-config); "" when nothing.
std::string findings_output_error(const config::Config& cfg);

}  // namespace pgsleuth::app
