#include "report/baseline.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace pgsleuth::report {
namespace {

namespace json = boost::json;

std::string string_member(const json::object& entry, std::string_view name, const std::string& path, size_t index) {
  const auto it = entry.find(name);
  if (it == entry.end() || !it->value().is_string()) {
    throw BadBaseline(fmt::format("{}: entries[{}].{} must be a string", path, index, name));
  }
  return std::string(it->value().get_string());
}

}  // namespace

BaselineKey baseline_key(const findings::Finding& finding) {
  return {std::string(to_string(finding.kind())), finding.fingerprint.value_or(""), finding.route()};
}

json::value baseline_to_json(const Baseline& baseline) {
  json::array entries;
  for (const BaselineKey& key : baseline) {
    entries.emplace_back(json::object{{"kind", key.kind},
                                      {"fingerprint", key.fingerprint},
                                      {"route", key.route ? json::value(*key.route) : json::value(nullptr)}});
  }
  return json::object{{"version", 1}, {"entries", std::move(entries)}};
}

Baseline load_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadBaseline(fmt::format("{}: cannot read baseline file: {}", path, std::strerror(errno)));
  json::stream_parser parser;
  char chunk[65536];
  size_t total = 0;
  boost::system::error_code ec;
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    total += static_cast<size_t>(in.gcount());
    if (total > kMaxBaselineBytes) throw BadBaseline(fmt::format("{}: larger than {} bytes", path, kMaxBaselineBytes));
    parser.write(chunk, static_cast<size_t>(in.gcount()), ec);
    if (ec) break;
  }
  if (!ec) parser.finish(ec);
  if (ec) throw BadBaseline(fmt::format("{}: not a JSON baseline: {}", path, ec.message()));
  const json::value root = parser.release();

  const json::object* obj = root.if_object();
  const json::value* entries = obj ? obj->if_contains("entries") : nullptr;
  if (entries == nullptr || !entries->is_array()) {
    throw BadBaseline(fmt::format("{}: expected {{\"version\": 1, \"entries\": [...]}} as `pgsleuth baseline` writes",
                                  path));
  }
  Baseline baseline;
  size_t index = 0;
  for (const json::value& v : entries->get_array()) {
    if (!v.is_object()) throw BadBaseline(fmt::format("{}: entries[{}] must be an object", path, index));
    const json::object& entry = v.get_object();
    BaselineKey key{string_member(entry, "kind", path, index), string_member(entry, "fingerprint", path, index),
                    std::nullopt};
    if (const json::value* route = entry.if_contains("route"); route != nullptr && !route->is_null()) {
      if (!route->is_string()) throw BadBaseline(fmt::format("{}: entries[{}].route must be a string or null", path, index));
      key.route = std::string(route->get_string());
    }
    baseline.insert(std::move(key));
    if (baseline.size() > kMaxBaselineEntries) {
      throw BadBaseline(fmt::format("{}: more than {} entries", path, kMaxBaselineEntries));
    }
    ++index;
  }
  return baseline;
}

}  // namespace pgsleuth::report
