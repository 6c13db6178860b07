#include "app/findings_output.hpp"

#include <fmt/format.h>

#include "sinks/fan_out.hpp"
#include "sinks/json_lines_writer.hpp"
#include "sinks/store_url.hpp"

namespace pgsleuth::app {
namespace {

// `destination` is a path, or a URL already checked.
std::unique_ptr<findings::FindingSink> open_one(const std::string& destination, const config::Config& cfg,
                                                FindingsOutput& out) {
  if (!sinks::is_store_url(destination)) return std::make_unique<sinks::JsonLinesWriter>(destination);
  sinks::StoreWriter::Options options;
  options.url = destination;
  options.buffer_lines = cfg.output.store_buffer_findings;
  auto store = std::make_unique<sinks::StoreWriter>(std::move(options));
  out.stores.push_back(store.get());
  return store;
}

}  // namespace

std::string findings_output_error(const config::Config& cfg) {
  for (const auto& [key, destination] : {std::pair{"output.findings", cfg.output.findings},
                                         std::pair{"output.findings_copy", cfg.output.findings_copy}}) {
    if (!sinks::is_store_url(destination)) continue;
    if (const std::string why = sinks::store_url_error(destination); !why.empty()) {
      return fmt::format("{} '{}': not a PostgreSQL URL libpq accepts: {}", key, sinks::redacted_url(destination), why);
    }
  }
  return "";
}

FindingsOutput open_findings_output(const config::Config& cfg) {
  FindingsOutput out;
  // Checked before anything opens, so a bad URL starts no writer thread.
  if (const std::string error = findings_output_error(cfg); !error.empty()) throw OutputConfigError(error);
  auto main = open_one(cfg.output.findings, cfg, out);
  if (cfg.output.findings_copy.empty()) {
    out.sink = std::move(main);
    return out;
  }
  std::vector<std::unique_ptr<findings::FindingSink>> both;
  both.push_back(std::move(main));
  both.push_back(open_one(cfg.output.findings_copy, cfg, out));
  // A store never throws; a file may: the store goes first (fan_out.hpp).
  if (sinks::is_store_url(cfg.output.findings_copy) && !sinks::is_store_url(cfg.output.findings)) {
    std::swap(both[0], both[1]);
  }
  out.sink = std::make_unique<sinks::FanOut>(std::move(both));
  return out;
}

}  // namespace pgsleuth::app
