#include "tests/detection/finding_contract.hpp"

#include <regex>
#include <set>
#include <string>
#include <vector>

namespace pgsleuth::test::detection {
namespace {

namespace json = boost::json;

const std::set<std::string> kFindingKinds = {
    "n_plus_one",     "duplicate_query", "unbatched_write",       "unbounded_select",
    "select_star",    "slow_query",      "query_budget_exceeded", "connection_churn",
    "missing_index"};
const std::set<std::string> kSeverities = {"critical", "high", "medium", "low"};
const std::set<std::string> kSources = {"traceparent", "transaction", "idle_gap"};

// Problems found in one line, each naming its field.
class Problems {
 public:
  explicit Problems(const json::object& line) : line_(line) {}

  const json::value* field(const char* name) {
    const auto* value = line_.if_contains(name);
    if (!value) add(name, "missing");
    return value;
  }
  void string(const char* name, bool nullable = false, bool non_empty = false) {
    const auto* v = field(name);
    if (!v || (nullable && v->is_null())) return;
    if (!v->is_string()) return add(name, nullable ? "not a string or null" : "not a string");
    if (non_empty && v->as_string().empty()) add(name, "empty");
  }
  void matches(const char* name, const std::regex& pattern, bool nullable = false) {
    const auto* v = field(name);
    if (!v || (nullable && v->is_null())) return;
    if (!v->is_string() || !std::regex_match(std::string(v->as_string()), pattern)) {
      add(name, "not of the required form: " + json::serialize(*v));
    }
  }
  void one_of(const char* name, const std::set<std::string>& allowed, bool nullable = false) {
    const auto* v = field(name);
    if (!v || (nullable && v->is_null())) return;
    if (!v->is_string() || !allowed.count(std::string(v->as_string()))) {
      add(name, "not an allowed value: " + json::serialize(*v));
    }
  }
  void integer(const char* name, int64_t min) {
    const auto* v = field(name);
    if (!v) return;
    if (!v->is_int64() && !v->is_uint64()) return add(name, "not an integer");
    if (v->is_int64() && v->as_int64() < min) add(name, "below " + std::to_string(min));
  }
  void number(const char* name) {
    const auto* v = field(name);
    if (v && !v->is_number()) add(name, "not a number");
  }
  void string_array(const char* name, bool null_items) {
    const auto* v = field(name);
    if (!v) return;
    if (!v->is_array()) return add(name, "not an array");
    for (const auto& item : v->as_array()) {
      if (!item.is_string() && !(null_items && item.is_null())) add(name, "holds a non-string");
    }
  }
  void add(const std::string& name, const std::string& what) { problems_.push_back(name + ": " + what); }

  ::testing::AssertionResult result() const {
    if (problems_.empty()) return ::testing::AssertionSuccess();
    auto failure = ::testing::AssertionFailure() << "line breaks the contract:";
    for (const auto& p : problems_) failure << "\n  " << p;
    return failure << "\n  in " << json::serialize(line_);
  }

 private:
  const json::object& line_;
  std::vector<std::string> problems_;
};

const std::regex kRfc3339Utc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00))");
const std::regex kFingerprint("[0-9a-f]{16}");

// The window's fields: request_summary lines and every finding made of a
// window's statements.
void check_window(Problems& p, bool nullable) {
  p.string("request_id", nullable, true);
  p.one_of("request_source", kSources, nullable);
  p.string("route", true);
}

void check_kind_fields(Problems& p, const std::string& kind) {
  if (kind == "n_plus_one") {
    p.integer("distinct_params", 2);
    const auto* parent = p.field("parent");
    if (parent && !parent->is_null()) {
      const auto* fields = parent->if_object();
      if (!fields || !fields->contains("fingerprint") || !fields->contains("normalized") ||
          !(*fields).at("fingerprint").is_string() || !(*fields).at("normalized").is_string() ||
          !std::regex_match(std::string((*fields).at("fingerprint").as_string()), kFingerprint)) {
        p.add("parent", "not null nor {fingerprint: 16 hex, normalized: string}");
      }
    }
  } else if (kind == "unbounded_select") {
    p.integer("rows", 1);
    p.integer("bytes", 0);
  } else if (kind == "slow_query") {
    p.number("duration_ms");
  } else if (kind == "missing_index") {
    p.string("relation", false, true);
    p.string_array("columns", false);
    const auto* columns = p.field("columns");
    if (columns && columns->is_array() && columns->as_array().empty()) p.add("columns", "empty");
    p.matches("ddl", std::regex("CREATE INDEX CONCURRENTLY ON .+ \\(.+\\)"));
    p.string_array("plan", false);
    p.number("cost_before");
    const auto* after = p.field("cost_after");
    const auto* verified = p.field("verified_with");
    if (after && !after->is_null() && !after->is_number()) p.add("cost_after", "not a number or null");
    if (verified && !(verified->is_null() || *verified == "hypopg")) p.add("verified_with", "not \"hypopg\" or null");
    if (after && verified && after->is_null() != verified->is_null()) {
      p.add("cost_after", "null exactly when verified_with is null");
    }
  } else if (kind == "query_budget_exceeded") {
    p.number("db_time_ms");
    const auto* top = p.field("top");
    if (top && !top->is_array()) p.add("top", "not an array");
  }
}

void check_finding(Problems& p, const std::string& kind) {
  // connection_churn is about a client address, not a statement or window.
  const bool per_statement = kind != "connection_churn";
  p.one_of("severity", kSeverities);
  p.matches("fingerprint", kFingerprint);
  p.string("normalized", !per_statement, true);
  p.string("sample_sql", !per_statement, true);
  const auto* params = p.field("sample_params");
  if (params && !params->is_null()) p.string_array("sample_params", true);
  p.integer("count", 1);
  check_window(p, !per_statement);
  p.integer("connection_id", 0);
  for (const char* name : {"database", "user", "application_name", "client_addr"}) p.string(name);
  p.string("instance", false, true);  // instance.name, else "<host name>:<listen port>"
  p.string_array("tables", false);
  p.string("message", false, true);
  p.string("suggestion", false, true);
  check_kind_fields(p, kind);
}

void check_request_summary(Problems& p) {
  check_window(p, false);
  p.integer("count", 1);
  p.number("db_time_ms");
  p.integer("rows", 0);
  p.integer("distinct_fingerprints", 1);
}

// Contract: route (null without one), application_name, requests,
// statements and db_time_ms as {p50, p95, max}, findings by kind,
// period_start, period_end.
void check_route_summary(Problems& p) {
  p.string("route", true, true);
  p.string("application_name");
  p.integer("requests", 0);
  for (const char* spread : {"statements", "db_time_ms"}) {
    const auto* v = p.field(spread);
    if (!v) continue;
    if (!v->is_object()) {
      p.add(spread, "not an object");
      continue;
    }
    const auto& o = v->as_object();
    for (const char* q : {"p50", "p95", "max"}) {
      if (!o.contains(q) || !o.at(q).is_number()) p.add(spread, std::string("no number ") + q);
    }
    if (o.contains("p50") && o.contains("p95") && o.contains("max") && o.at("p50").is_number() &&
        o.at("p95").is_number() && o.at("max").is_number() &&
        !(o.at("p50").to_number<double>() <= o.at("p95").to_number<double>() &&
          o.at("p95").to_number<double>() <= o.at("max").to_number<double>())) {
      p.add(spread, "not p50 <= p95 <= max");
    }
  }
  if (const auto* f = p.field("findings")) {
    if (!f->is_object()) {
      p.add("findings", "not an object");
    } else {
      for (const auto& [kind, n] : f->as_object()) {
        if (!kFindingKinds.count(std::string(kind)) || !n.is_int64()) p.add("findings", "bad entry " + std::string(kind));
      }
    }
  }
  p.matches("period_start", kRfc3339Utc);
  p.matches("period_end", kRfc3339Utc);
  p.string("instance", false, true);
}

}  // namespace

::testing::AssertionResult follows_contract(const json::object& line) {
  Problems p(line);
  p.matches("ts", kRfc3339Utc);
  const auto* kind = p.field("kind");
  const std::string name = kind && kind->is_string() ? std::string(kind->as_string()) : "";
  if (name == "request_summary") {
    check_request_summary(p);
  } else if (name == "route_summary") {
    check_route_summary(p);
  } else if (kFindingKinds.count(name)) {
    check_finding(p, name);
  } else {
    p.add("kind", "not a finding kind, request_summary nor route_summary");
  }
  return p.result();
}

}  // namespace pgsleuth::test::detection
