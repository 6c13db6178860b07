#include "findings/details_json.hpp"

#include "findings/json_fields.hpp"

namespace pgsleuth::findings {
namespace {

using namespace json_fields;

// For each kind: put() writes its fields in stream order, read() fills
// them from a line.

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

void put(json::object& o, const DuplicateQueryDetails& d) {
  put(o, d.evidence);
  o["same_result"] = d.same_result;
  o["distinct_params"] = integer(d.distinct_params);
}
void read(const json::object& o, DuplicateQueryDetails& d) {
  read(o, d.evidence);
  read_into(o, "same_result", d.same_result);
  read_into(o, "distinct_params", d.distinct_params);
}

void put(json::object& o, const UnbatchedWriteDetails& d) {
  put(o, d.evidence);
  o["distinct_params"] = integer(d.distinct_params);
}
void read(const json::object& o, UnbatchedWriteDetails& d) {
  read(o, d.evidence);
  read_into(o, "distinct_params", d.distinct_params);
}

void put(json::object& o, const UnboundedSelectDetails& d) {
  o["rows"] = integer(d.rows);
  o["bytes"] = integer(d.bytes);
  o["db_time_ms"] = d.db_time_ms;
}
void read(const json::object& o, UnboundedSelectDetails& d) {
  read_into(o, "rows", d.rows);
  read_into(o, "bytes", d.bytes);
  d.db_time_ms = checked_number(o, "db_time_ms");
}

void put(json::object&, const SelectStarDetails&) {}
void read(const json::object&, SelectStarDetails&) {}

void put(json::object& o, const SlowQueryDetails& d) {
  o["duration_ms"] = d.duration_ms;
  o["db_time_ms"] = d.db_time_ms;
}
void read(const json::object& o, SlowQueryDetails& d) {
  read_into(o, "duration_ms", d.duration_ms);
  d.db_time_ms = checked_number(o, "db_time_ms");
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

void put(json::object& o, const ConnectionChurnDetails& d) {
  o["within_s"] = integer(d.within_s);
  o["max_lifetime_ms"] = integer(d.max_lifetime_ms);
  o["median_lifetime_ms"] = d.median_lifetime_ms;
}
void read(const json::object& o, ConnectionChurnDetails& d) {
  read_into(o, "within_s", d.within_s);
  read_into(o, "max_lifetime_ms", d.max_lifetime_ms);
  read_into(o, "median_lifetime_ms", d.median_lifetime_ms);
}

void put(json::object& o, const MissingIndexDetails& d) {
  o["relation"] = d.relation;
  o["columns"] = strings(d.columns);
  o["ddl"] = d.ddl;
  o["plan"] = strings(d.plan);
  o["cost_before"] = optional_number(d.cost_before);
  o["cost_after"] = optional_number(d.cost_after);
  o["verified_with"] = optional_string(d.verified_with);
}
void read(const json::object& o, MissingIndexDetails& d) {
  read_into(o, "relation", d.relation);
  read_into(o, "columns", d.columns);
  read_into(o, "ddl", d.ddl);
  read_into(o, "plan", d.plan);
  read_into(o, "cost_before", d.cost_before);
  read_into(o, "cost_after", d.cost_after);
  read_into(o, "verified_with", d.verified_with);
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
