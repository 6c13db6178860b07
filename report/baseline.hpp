#pragma once
// A baseline: the (kind, fingerprint, route) of findings a team already
// knows about, so `check --baseline` fails only on new ones.
// File format: {"version": 1, "entries": [{"kind", "fingerprint", "route"}]}.

#include <compare>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <boost/json/value.hpp>

#include "findings/finding.hpp"

namespace pgsleuth::report {

struct BaselineKey {
  std::string kind;
  std::string fingerprint;
  std::optional<std::string> route;
  auto operator<=>(const BaselineKey&) const = default;
};

using Baseline = std::set<BaselineKey>;

BaselineKey baseline_key(const findings::Finding& finding);
boost::json::value baseline_to_json(const Baseline& baseline);

// what() names the file and what is wrong; the command exits 2.
struct BadBaseline : std::runtime_error {
  using std::runtime_error::runtime_error;
};
inline constexpr size_t kMaxBaselineEntries = 1'000'000;
inline constexpr size_t kMaxBaselineBytes = 256 * 1024 * 1024;

Baseline load_baseline(const std::string& path);  // throws BadBaseline

}  // namespace pgsleuth::report
