#include "findings/details_json.hpp"

#include <concepts>
#include <type_traits>

#include "findings/json_fields.hpp"

namespace pgsleuth::findings {
namespace {

using namespace json_fields;

// For each kind: put() writes its fields in stream order, read() fills
// them from a line. The kinds whose fields are plain values list them
// once, in fields(), for both.

void put(json::object& o, const RepeatEvidence& e) {
  o["db_time_ms"] = e.db_time_ms;
  o["gaps_ms"] = {{"min", e.gaps_ms.min}, {"median", e.gaps_ms.median}, {"max", e.gaps_ms.max}};
  o["round_trips_saved"] = integer(e.round_trips_saved);
}
void read(const json::object& o, RepeatEvidence& e) {
  e.db_time_ms = checked_number(o, "db_time_ms");
  if (const json::object* gaps = object_or_null(o, "gaps_ms")) {
    read_into(*gaps, "min", e.gaps_ms.min);
    read_into(*gaps, "median", e.gaps_ms.median);
    read_into(*gaps, "max", e.gaps_ms.max);
  }
  read_into(o, "round_trips_saved", e.round_trips_saved);
}

// db_time_ms: read checked (another type makes the line bad), where the
// other plain fields are read best effort.
template <class T>
struct Checked {
  T& number;
};
template <class T>
Checked(T&) -> Checked<T>;

struct FieldWriter {
  json::object& o;
  void operator()(const RepeatEvidence& e) const { put(o, e); }
  void operator()(const char* name, uint64_t v) const { o[name] = integer(v); }
  void operator()(const char* name, double v) const { o[name] = v; }
  void operator()(const char* name, bool v) const { o[name] = v; }
  void operator()(const char* name, const std::string& v) const { o[name] = v; }
  void operator()(const char* name, const std::vector<std::string>& v) const { o[name] = strings(v); }
  void operator()(const char* name, const std::optional<double>& v) const { o[name] = optional_number(v); }
  void operator()(const char* name, const std::optional<std::string>& v) const { o[name] = optional_string(v); }
  void operator()(const char* name, Checked<const double> v) const { o[name] = v.number; }
};

struct FieldReader {
  const json::object& o;
  void operator()(RepeatEvidence& e) const { read(o, e); }
  template <class T>
  void operator()(const char* name, T& into) const {
    read_into(o, name, into);
  }
  void operator()(const char* name, Checked<double> v) const { v.number = checked_number(o, name); }
};

template <class D, class Kind>
concept Of = std::same_as<std::remove_const_t<D>, Kind>;

void fields(Of<DuplicateQueryDetails> auto& d, auto&& field) {
  field(d.evidence);
  field("same_result", d.same_result);
  field("distinct_params", d.distinct_params);
}
void fields(Of<UnbatchedWriteDetails> auto& d, auto&& field) {
  field(d.evidence);
  field("distinct_params", d.distinct_params);
}
void fields(Of<UnboundedSelectDetails> auto& d, auto&& field) {
  field("rows", d.rows);
  field("bytes", d.bytes);
  field("db_time_ms", Checked{d.db_time_ms});
}
void fields(Of<SelectStarDetails> auto&, auto&&) {}
void fields(Of<SlowQueryDetails> auto& d, auto&& field) {
  field("duration_ms", d.duration_ms);
  field("db_time_ms", Checked{d.db_time_ms});
}
void fields(Of<ConnectionChurnDetails> auto& d, auto&& field) {
  field("within_s", d.within_s);
  field("max_lifetime_ms", d.max_lifetime_ms);
  field("median_lifetime_ms", d.median_lifetime_ms);
}
void fields(Of<MissingIndexDetails> auto& d, auto&& field) {
  field("relation", d.relation);
  field("columns", d.columns);
  field("ddl", d.ddl);
  field("plan", d.plan);
  field("cost_before", d.cost_before);
  field("cost_after", d.cost_after);
  field("verified_with", d.verified_with);
}

template <class D>
void put(json::object& o, const D& d) {
  fields(d, FieldWriter{o});
}
template <class D>
void read(const json::object& o, D& d) {
  fields(d, FieldReader{o});
}

void put(json::object& o, const NPlusOneDetails& d) {
  put(o, d.evidence);
  o["distinct_params"] = integer(d.distinct_params);
  if (d.parent) {
    o["parent"] = {{"fingerprint", d.parent->fingerprint}, {"normalized", d.parent->normalized}};
  } else {
    o["parent"] = nullptr;
  }
  if (!d.connections.empty()) {
    json::array ids;
    for (uint64_t id : d.connections) ids.push_back(integer(id));
    o["connections"] = std::move(ids);
  }
}
void read(const json::object& o, NPlusOneDetails& d) {
  read(o, d.evidence);
  read_into(o, "distinct_params", d.distinct_params);
  if (const json::object* parent = object_or_null(o, "parent")) {
    d.parent.emplace();
    read_into(*parent, "fingerprint", d.parent->fingerprint);
    read_into(*parent, "normalized", d.parent->normalized);
  }
  if (const auto* ids = o.if_contains("connections"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array()) {
      if (id.is_int64() && id.as_int64() >= 0) d.connections.push_back(static_cast<uint64_t>(id.as_int64()));
      if (id.is_uint64()) d.connections.push_back(id.as_uint64());
    }
  }
}

void put(json::object& o, const QueryBudgetDetails& d) {
  o["db_time_ms"] = d.db_time_ms;
  json::array top;
  for (const TopStatement& t : d.top) {
    top.push_back({{"fingerprint", t.fingerprint}, {"normalized", t.normalized}, {"count", integer(t.count)}});
  }
  o["top"] = std::move(top);
  o["max_queries"] = integer(d.max_queries);
}
void read(const json::object& o, QueryBudgetDetails& d) {
  d.db_time_ms = checked_number(o, "db_time_ms");
  if (const json::array* top = array_or_null(o, "top")) {
    for (const json::value& item : *top) {
      const json::object* entry = item.if_object();
      if (entry == nullptr) continue;
      TopStatement& t = d.top.emplace_back();
      read_into(*entry, "fingerprint", t.fingerprint);
      read_into(*entry, "normalized", t.normalized);
      read_into(*entry, "count", t.count);
    }
  }
  read_into(o, "max_queries", d.max_queries);
}

}  // namespace

void put_details(json::object& line, const Details& details) {
  std::visit([&](const auto& d) { put(line, d); }, details);
}

Details details_from_json(FindingKind kind, const json::object& line) {
  Details details = details_for(kind);
  std::visit([&](auto& d) { read(line, d); }, details);
  return details;
}

}  // namespace pgsleuth::findings
