#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "report/baseline.hpp"
#include "report/commands.hpp"
#include "report/findings_reader.hpp"
#include "report/renderers.hpp"
#include "report/subcommand_args.hpp"

namespace pgsleuth::report {
namespace {

constexpr size_t kMaxListed = 20;  // the short list stays short

using findings::FindingKind;

std::vector<FindingKind> default_fail_on() {
  std::vector<FindingKind> kinds;
  for (const auto& k : findings::kKinds) {
    if (k.fails_check) kinds.push_back(k.kind);
  }
  return kinds;
}

std::string kind_names(const std::vector<FindingKind>& kinds, std::string_view separator) {
  std::vector<std::string_view> names;
  for (const FindingKind k : kinds) names.push_back(to_string(k));
  return fmt::format("{}", fmt::join(names, separator));
}

std::vector<FindingKind> all_kinds() {
  std::vector<FindingKind> kinds;
  for (const auto& k : findings::kKinds) kinds.push_back(k.kind);
  return kinds;
}

struct CheckOptions {
  std::vector<FindingKind> fail_on = default_fail_on();
  uint64_t max_queries = 0;  // 0 = not checked
  std::optional<Baseline> baseline;
};

std::vector<FindingKind> parse_kinds(const std::string& list) {
  std::vector<FindingKind> kinds;
  if (list == "none") return kinds;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string kind = list.substr(start, comma - start);
    const auto parsed = findings::parse_finding_kind(kind);
    if (!parsed) {
      throw ArgError(fmt::format("pgsleuth check: --fail-on '{}': unknown kind '{}' (allowed: {}, or none)", list,
                                 kind, kind_names(all_kinds(), ", ")));
    }
    kinds.push_back(*parsed);
    start = comma + 1;
  }
  return kinds;
}

CheckOptions parse_options(SubcommandArgs& parsed) {
  CheckOptions options;
  if (parsed.flags.count("fail-on")) options.fail_on = parse_kinds(parsed.flags["fail-on"]);
  if (parsed.flags.count("max-queries-per-request")) {
    const std::string& text = parsed.flags["max-queries-per-request"];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), options.max_queries);
    if (ec != std::errc{} || end != text.data() + text.size() || options.max_queries == 0) {
      throw ArgError(fmt::format("pgsleuth check: --max-queries-per-request '{}': must be a positive integer", text));
    }
  }
  if (parsed.flags.count("baseline")) {
    try {
      options.baseline = load_baseline(parsed.flags["baseline"]);
    } catch (const BadBaseline& e) {
      throw ArgError(fmt::format("pgsleuth check: --baseline {}", e.what()));
    }
  }
  return options;
}

struct Failure {
  std::string normalized;
  uint64_t findings = 0;
};

class CheckResult {
 public:
  explicit CheckResult(const CheckOptions& options) : options_(options) {}

  void add(const findings::Line& line) {
    ++lines_;
    std::visit([this](const auto& l) { add(l); }, line);
  }

  int print(const std::string& file, std::ostream& out) const {
    if (problems_ == 0) {
      fmt::print(out, "pgsleuth check: {}: clean ({} lines; failing on {}{})\n", file, lines_,
                 options_.fail_on.empty() ? "no kinds" : kind_names(options_.fail_on, ","),
                 options_.max_queries ? fmt::format(", more than {} statements per request", options_.max_queries) : "");
      return 0;
    }
    fmt::print(out, "pgsleuth check: {}: {} problem{}{}\n", file, problems_, problems_ == 1 ? "" : "s",
               options_.baseline ? " not in the baseline" : "");
    for (const auto& [key, failure] : failures_) {
      fmt::print(out, "  {} {} route {} ({} finding{}): {}\n", key.kind, key.fingerprint, key.route.value_or(kNoRoute),
                 failure.findings, failure.findings == 1 ? "" : "s", one_line(failure.normalized, 160));
    }
    for (const std::string& line : over_budget_) fmt::print(out, "  {}\n", line);
    return 1;
  }

 private:
  void add(const findings::RequestSummary& s) { check_budget(s.window, s.count); }
  void add(const findings::RouteSummary&) {}  // totals of lines checked on their own

  void add(const findings::Finding& f) {
    const bool baselined = in_baseline(f);
    if (f.kind() == FindingKind::QueryBudgetExceeded && !baselined) {
      check_budget(f.window.value_or(findings::Window{}), f.count);
    }
    if (baselined) return;
    if (std::find(options_.fail_on.begin(), options_.fail_on.end(), f.kind()) == options_.fail_on.end()) return;
    ++problems_;
    const BaselineKey key = baseline_key(f);
    auto it = failures_.find(key);
    if (it == failures_.end() && failures_.size() < kMaxListed) {
      it = failures_.emplace(key, Failure{f.normalized.value_or("")}).first;
    }
    if (it != failures_.end()) ++it->second.findings;
  }

  // A request (summary or budget finding) with more statements than allowed.
  void check_budget(const findings::Window& w, uint64_t statements) {
    if (options_.max_queries == 0 || statements <= options_.max_queries) return;
    // One request may have both a summary and a budget finding: one problem.
    if (!over_budget_requests_.insert(w.request_id).second) return;
    if (over_budget_.size() < kMaxListed) {
      over_budget_.push_back(fmt::format("request {} (route {}) ran {} statements, over --max-queries-per-request {}",
                                         w.request_id, w.route.value_or(kNoRoute), statements, options_.max_queries));
    }
    ++problems_;
  }

  bool in_baseline(const findings::Finding& f) const {
    return options_.baseline && options_.baseline->count(baseline_key(f)) > 0;
  }

  const CheckOptions& options_;
  std::map<BaselineKey, Failure> failures_;
  std::vector<std::string> over_budget_;
  std::set<std::string> over_budget_requests_;
  uint64_t problems_ = 0;
  uint64_t lines_ = 0;
};

}  // namespace

int run_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CheckOptions options;
  SubcommandArgs parsed;
  LineFilter filter;
  try {
    parsed = parse_subcommand_args(args, {"fail-on", "max-queries-per-request", "baseline", "since", "instance"},
                                   "check");
    options = parse_options(parsed);
    filter = line_filter(parsed, "check", std::chrono::system_clock::now());
  } catch (const ArgError& e) {
    fmt::print(err, "{}\n", e.what());
    return 2;
  }
  CheckResult result(options);
  const bool read = read_findings_strict(parsed.file, [&](const findings::Line& line) {
    result.add(line);
    return true;
  }, err, filter);
  if (!read) return 2;
  return result.print(source_name(parsed.file), out);
}

}  // namespace pgsleuth::report
