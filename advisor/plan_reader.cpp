#include "advisor/plan_reader.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace pgsleuth::advisor {
namespace {

namespace json = boost::json;
using Node = json::object;
using Path = std::vector<const Node*>;  // outermost first, the node itself last

std::string text_of(const Node& node, std::string_view key) {
  const auto* v = node.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

double number_of(const Node& node, std::string_view key) {
  const auto* v = node.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

std::vector<std::string> strings_of(const Node& node, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = node.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

bool is(const Node& node, std::string_view type) { return text_of(node, "Node Type") == type; }

// One node as EXPLAIN's text format heads it, with the detail that matters here.
std::string line_of(const Node& node) {
  std::string line = node.if_contains("Parallel Aware") && node.at("Parallel Aware") == true ? "Parallel " : "";
  line += text_of(node, "Node Type");
  const std::string relation = text_of(node, "Relation Name");
  if (!relation.empty()) {
    const std::string schema = text_of(node, "Schema");
    line += " on " + (schema.empty() ? relation : schema + "." + relation);
    const std::string alias = text_of(node, "Alias");
    if (!alias.empty() && alias != relation) line += " " + alias;
  }
  line += fmt::format("  (cost={:.2f}..{:.2f} rows={:.0f} width={:.0f})", number_of(node, "Startup Cost"),
                      number_of(node, "Total Cost"), number_of(node, "Plan Rows"), number_of(node, "Plan Width"));
  for (const char* key : {"Index Cond", "Recheck Cond", "Filter", "Join Filter", "Hash Cond"}) {
    const std::string detail = text_of(node, key);
    if (!detail.empty()) line += fmt::format("  {}: {}", key, detail);
  }
  const auto keys = strings_of(node, "Sort Key");
  if (!keys.empty()) line += fmt::format("  Sort Key: {}", fmt::join(keys, ", "));
  return line;
}

// The nearest ancestor of path[i] that is not one of the pass-through nodes
// (they hand rows on unchanged in order); its index, or -1.
int up_through(const Path& path, int i, std::initializer_list<std::string_view> through) {
  for (int j = i - 1; j >= 0; --j) {
    bool passes = false;
    for (auto t : through) passes = passes || is(*path[j], t);
    if (!passes) return j;
  }
  return -1;
}

// The node's child in `path` towards the scan: Outer or Inner.
std::string relationship_below(const Path& path, int ancestor) {
  return text_of(*path[ancestor + 1], "Parent Relationship");
}

void add_lines(Opportunity& o, const Path& path, int from) {
  for (size_t j = static_cast<size_t>(from); j < path.size(); ++j) o.plan_lines.push_back(line_of(*path[j]));
}

void look_at_scan(const Path& path, std::vector<Opportunity>& out) {
  const Node& scan = *path.back();
  const int self = static_cast<int>(path.size()) - 1;
  Opportunity o;
  o.schema = text_of(scan, "Schema");
  o.relation = text_of(scan, "Relation Name");
  o.alias = text_of(scan, "Alias");
  o.filter = text_of(scan, "Filter");
  o.scan_rows = number_of(scan, "Plan Rows");
  if (o.relation.empty()) return;

  // ORDER BY .. LIMIT: Limit <- Sort <- the scan (Gathers in between).
  const int sort = up_through(path, self, {"Gather"});
  if (sort >= 0 && is(*path[sort], "Sort")) {
    const int limit = up_through(path, sort, {"Gather Merge", "Gather"});
    if (limit >= 0 && is(*path[limit], "Limit")) {
      o.opening = Opening::SortUnderLimit;
      o.sort_keys = strings_of(*path[sort], "Sort Key");
      add_lines(o, path, limit);
      out.push_back(std::move(o));
      return;
    }
  }
  // A join on a column of this table: scanned again per outer row (the
  // inner side of a Nested Loop), or read in full to match a far smaller
  // other side, where an index on the join column would let a nested loop
  // read only the matching rows. HypoPG's estimate tells whether it does.
  const int join = up_through(path, self, {"Materialize", "Hash"});
  if (join >= 0 && (is(*path[join], "Nested Loop") || is(*path[join], "Hash Join") || is(*path[join], "Merge Join"))) {
    std::string condition;
    for (const char* key : {"Join Filter", "Hash Cond", "Merge Cond"}) {
      if (condition.empty()) condition = text_of(*path[join], key);
    }
    const Node* mine = path[join + 1];
    double other_rows = -1;
    if (const auto* plans = path[join]->if_contains("Plans"); plans && plans->is_array()) {
      for (const auto& child : plans->as_array()) {
        if (child.is_object() && &child.as_object() != mine) other_rows = number_of(child.as_object(), "Plan Rows");
      }
    }
    const bool per_outer_row = is(*path[join], "Nested Loop") && relationship_below(path, join) == "Inner";
    if (!condition.empty() && (per_outer_row || (other_rows >= 0 && other_rows * 100 <= o.scan_rows))) {
      o.opening = Opening::JoinScan;
      o.join_condition = condition;
      add_lines(o, path, join);
      out.push_back(std::move(o));
      return;
    }
  }
  if (!o.filter.empty()) {
    o.opening = Opening::FilteredScan;
    add_lines(o, path, self);
    out.push_back(std::move(o));
  }
}

// An index narrows the rows, its Filter throws most of them away (EXPLAIN
// without ANALYZE cannot say how many: the reviewer asks HypoPG).
void look_at_index_scan(const Path& path, std::vector<Opportunity>& out) {
  const Node& scan = *path.back();
  Opportunity o;
  o.opening = Opening::FilteredIndexScan;
  o.schema = text_of(scan, "Schema");
  o.relation = text_of(scan, "Relation Name");
  o.alias = text_of(scan, "Alias");
  o.filter = text_of(scan, "Filter");
  o.index_condition = text_of(scan, is(scan, "Bitmap Heap Scan") ? "Recheck Cond" : "Index Cond");
  o.scan_rows = number_of(scan, "Plan Rows");
  if (o.relation.empty() || o.filter.empty() || o.index_condition.empty()) return;
  add_lines(o, path, static_cast<int>(path.size()) - 1);
  out.push_back(std::move(o));
}

void walk(const Node& node, Path& path, std::vector<Opportunity>& out, int depth) {
  if (depth > 100) throw PlanError("plan nested deeper than 100 nodes");
  path.push_back(&node);
  if (is(node, "Seq Scan")) look_at_scan(path, out);
  if (is(node, "Index Scan") || is(node, "Index Only Scan") || is(node, "Bitmap Heap Scan")) {
    look_at_index_scan(path, out);
  }
  if (const auto* plans = node.if_contains("Plans")) {
    if (!plans->is_array()) throw PlanError("\"Plans\" is not an array");
    for (const auto& child : plans->as_array()) {
      if (!child.is_object()) throw PlanError("a plan node is not an object");
      walk(child.as_object(), path, out, depth + 1);
    }
  }
  path.pop_back();
}

const Node& top_node(const json::value& doc) {
  if (!doc.is_array() || doc.as_array().empty() || !doc.as_array()[0].is_object()) {
    throw PlanError("not an EXPLAIN (FORMAT JSON) result: no [{\"Plan\": ...}]");
  }
  const auto* plan = doc.as_array()[0].as_object().if_contains("Plan");
  if (!plan || !plan->is_object()) throw PlanError("no \"Plan\" object");
  return plan->as_object();
}

json::value parse(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) throw PlanError("plan is not JSON: " + ec.message());
  return doc;
}

}  // namespace

ReadPlan read_plan(std::string_view text) {
  const json::value doc = parse(text);
  const Node& top = top_node(doc);
  ReadPlan out;
  out.total_cost = number_of(top, "Total Cost");
  Path path;
  walk(top, path, out.opportunities, 0);
  return out;
}

double plan_total_cost(std::string_view text) {
  const json::value doc = parse(text);
  return number_of(top_node(doc), "Total Cost");
}

}  // namespace pgsleuth::advisor
