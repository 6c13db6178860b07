#include "fingerprint/parse_tree_facts.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>

#include <boost/json.hpp>

namespace pgsleuth::fingerprint {
namespace json = boost::json;
namespace {

// libpg_query's JSON: a node is an object with one member named after its type
// (capitalised); fields are lower-case members; lists are arrays.
bool is_node_name(std::string_view key) { return !key.empty() && key[0] >= 'A' && key[0] <= 'Z'; }

const json::object* node_fields(const json::value* v, std::string_view type) {
  if (v == nullptr || !v->is_object()) return nullptr;
  const auto* inner = v->as_object().if_contains(type);
  return inner && inner->is_object() ? &inner->as_object() : nullptr;
}

std::string_view string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

// A RangeVar, wrapped as a node or (in fields typed RangeVar) bare.
const json::object* range_var(const json::value* v) {
  if (const auto* rv = node_fields(v, "RangeVar")) return rv;
  return v && v->is_object() && v->as_object().contains("relname") ? &v->as_object() : nullptr;
}

std::string range_var_name(const json::object& rv) {
  std::string name;
  for (const auto* part : {"catalogname", "schemaname"}) {
    const auto s = string_member(rv, part);
    if (!s.empty()) name.append(s).append(".");
  }
  name.append(string_member(rv, "relname"));
  return name;
}

StatementKind kind_of(std::string_view type) {
  static const std::unordered_set<std::string_view> utility = {
      "CopyStmt",        "VacuumStmt",       "ExplainStmt",      "ListenStmt",
      "UnlistenStmt",    "NotifyStmt",       "PrepareStmt",      "ExecuteStmt",
      "DeallocateStmt",  "DiscardStmt",      "DoStmt",           "CheckPointStmt",
      "LoadStmt",        "LockStmt",         "ClusterStmt",      "ReindexStmt",
      "DeclareCursorStmt", "FetchStmt",      "ClosePortalStmt",  "CallStmt"};
  if (type == "SelectStmt") return StatementKind::Select;
  if (type == "InsertStmt") return StatementKind::Insert;
  if (type == "UpdateStmt") return StatementKind::Update;
  if (type == "DeleteStmt") return StatementKind::Delete;
  if (type == "MergeStmt") return StatementKind::Merge;
  if (type == "TransactionStmt") return StatementKind::TransactionControl;
  if (type == "VariableSetStmt" || type == "VariableShowStmt" || type == "ConstraintsSetStmt") {
    return StatementKind::SetShow;
  }
  if (utility.contains(type)) return StatementKind::Utility;
  return StatementKind::Ddl;
}

bool is_aggregate_name(std::string_view name) {
  static const std::unordered_set<std::string_view> names = {
      "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every", "array_agg",
      "string_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "bit_and",
      "bit_or", "bit_xor", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop",
      "var_samp", "xmlagg", "percentile_cont", "percentile_disc", "mode", "corr", "covar_pop",
      "covar_samp", "range_agg", "range_intersect_agg", "regr_avgx", "regr_avgy",
      "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
      "regr_syy"};
  return names.contains(name);
}

// What a target-list expression contributes to "pure aggregate".
enum class AggShape { Constant, Aggregate, Other };

AggShape combine(AggShape a, AggShape b) {
  if (a == AggShape::Other || b == AggShape::Other) return AggShape::Other;
  if (a == AggShape::Aggregate || b == AggShape::Aggregate) return AggShape::Aggregate;
  return AggShape::Constant;
}

AggShape agg_shape(const json::value& v);

AggShape agg_shape_of_list(const json::value* list) {
  AggShape shape = AggShape::Constant;
  if (list && list->is_array()) {
    for (const auto& item : list->as_array()) shape = combine(shape, agg_shape(item));
  }
  return shape;
}

AggShape agg_shape(const json::value& v) {
  if (!v.is_object() || v.as_object().size() != 1) return AggShape::Other;
  const auto& [type, inner] = *v.as_object().begin();
  if (!inner.is_object()) return AggShape::Other;
  const auto& f = inner.as_object();
  if (type == "A_Const" || type == "ParamRef") return AggShape::Constant;
  if (type == "TypeCast") return f.contains("arg") ? agg_shape(f.at("arg")) : AggShape::Other;
  if (type == "A_Expr") {
    AggShape s = AggShape::Constant;
    for (const auto* side : {"lexpr", "rexpr"}) {
      if (const auto* e = f.if_contains(side)) s = combine(s, agg_shape(*e));
    }
    return s;
  }
  if (type == "CoalesceExpr" || type == "MinMaxExpr") return agg_shape_of_list(f.if_contains("args"));
  if (type != "FuncCall" || f.contains("over")) return AggShape::Other;
  const auto* names = f.if_contains("funcname");
  std::string_view last;
  if (names && names->is_array() && !names->as_array().empty()) {
    if (const auto* s = node_fields(&names->as_array().back(), "String")) last = string_member(*s, "sval");
  }
  if (f.contains("agg_star") || f.contains("agg_distinct") || is_aggregate_name(last)) {
    return AggShape::Aggregate;
  }
  return agg_shape_of_list(f.if_contains("args"));
}

bool target_is_star(const json::value& target) {
  const auto* rt = node_fields(&target, "ResTarget");
  const auto* ref = rt ? node_fields(rt->if_contains("val"), "ColumnRef") : nullptr;
  const auto* fields = ref ? ref->if_contains("fields") : nullptr;
  return fields && fields->is_array() && !fields->as_array().empty() &&
         fields->as_array().back().is_object() && fields->as_array().back().as_object().contains("A_Star");
}

class FactsWalker {
 public:
  explicit FactsWalker(StatementFacts& facts) : facts_(facts) {}

  void value(const json::value& v) {
    if (v.is_array()) {
      for (const auto& item : v.as_array()) value(item);
    } else if (v.is_object()) {
      if (v.as_object().contains("relname")) {  // a bare RangeVar
        add(facts_.tables_read, range_var_name(v.as_object()));
        return;
      }
      for (const auto& [key, member] : v.as_object()) {
        if (is_node_name(key) && member.is_object()) {
          node(key, member.as_object());
        } else {
          value(member);
        }
      }
    }
  }

  void finish() {
    // CTE names are not tables (an unqualified reference to one is the CTE).
    auto is_cte = [&](const std::string& name) { return ctes_.contains(name); };
    std::erase_if(facts_.tables_read, is_cte);
    std::erase_if(facts_.tables_written, is_cte);
  }

 private:
  static void add(std::vector<std::string>& list, std::string name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(std::move(name));
  }

  void node(std::string_view type, const json::object& f) {
    if (type == "RangeVar") {
      add(facts_.tables_read, range_var_name(f));
      return;
    }
    if (type == "CommonTableExpr") ctes_.insert(std::string(string_member(f, "ctename")));
    if (type == "SelectStmt") {
      if (const auto* targets = f.if_contains("targetList"); targets && targets->is_array()) {
        for (const auto& t : targets->as_array()) facts_.select_star = facts_.select_star || target_is_star(t);
      }
    }
    const json::value* target = nullptr;
    if (type.ends_with("Stmt") && type != "SelectStmt") target = f.if_contains("relation");
    const bool target_is_read = type == "CopyStmt" && !f.contains("is_from");
    // CTEs first, so tables come out in the order they are written.
    const json::value* with = f.if_contains("withClause");
    if (with) value(*with);
    for (const auto& [key, member] : f) {
      if (&member == with) continue;
      if (&member == target) {
        if (const auto* rv = range_var(target)) {
          add(target_is_read ? facts_.tables_read : facts_.tables_written, range_var_name(*rv));
          continue;
        }
      }
      if (type == "TruncateStmt" && key == "relations" && member.is_array()) {
        for (const auto& r : member.as_array()) {
          if (const auto* rv = range_var(&r)) add(facts_.tables_written, range_var_name(*rv));
        }
        continue;
      }
      value(member);
    }
  }

  StatementFacts& facts_;
  std::unordered_set<std::string> ctes_;
};

bool limit_present(const json::object& select) {
  const auto* count = select.if_contains("limitCount");
  if (count == nullptr) return false;
  const auto* c = node_fields(count, "A_Const");
  return c == nullptr || !c->contains("isnull");  // LIMIT ALL / LIMIT NULL: no limit
}

bool is_pure_aggregate(const json::object& select) {
  if (select.contains("groupClause") || select.contains("valuesLists")) return false;
  const auto op = string_member(select, "op");
  if (!op.empty() && op != "SETOP_NONE") return false;
  const auto* targets = select.if_contains("targetList");
  if (!targets || !targets->is_array() || targets->as_array().empty()) return false;
  for (const auto& t : targets->as_array()) {
    const auto* rt = node_fields(&t, "ResTarget");
    const auto* val = rt ? rt->if_contains("val") : nullptr;
    if (!val || agg_shape(*val) != AggShape::Aggregate) return false;
  }
  return true;
}

}  // namespace

StatementFacts facts_from_parse_tree(const json::value& stmt) {
  StatementFacts facts;
  if (!stmt.is_object() || stmt.as_object().size() != 1) return facts;
  const auto& [type, inner] = *stmt.as_object().begin();
  facts.kind = kind_of(type);
  FactsWalker walker(facts);
  walker.value(stmt);
  walker.finish();
  if (facts.kind == StatementKind::Select && inner.is_object()) {
    facts.has_limit = limit_present(inner.as_object());
    facts.pure_aggregate = is_pure_aggregate(inner.as_object());
  }
  return facts;
}

}  // namespace pgsleuth::fingerprint
