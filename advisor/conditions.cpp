#include "advisor/conditions.hpp"

#include <algorithm>
#include <optional>

#include <boost/json.hpp>
#include <pg_query.h>

namespace pgsleuth::advisor {
namespace {

namespace json = boost::json;

// The parse tree of `sql`'s one SELECT, or nullopt when it does not parse.
std::optional<json::object> select_of(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  std::optional<json::object> out;
  if (!result.error && result.parse_tree) {
    boost::system::error_code ec;
    json::value tree = json::parse(result.parse_tree, ec);
    const json::value* stmt = nullptr;
    if (!ec && tree.is_object()) {
      const auto* stmts = tree.as_object().if_contains("stmts");
      if (stmts && stmts->is_array() && stmts->as_array().size() == 1) {
        stmt = stmts->as_array()[0].as_object().if_contains("stmt");
      }
    }
    if (stmt && stmt->is_object()) {
      if (const auto* select = stmt->as_object().if_contains("SelectStmt"); select && select->is_object()) {
        out = select->as_object();
      }
    }
  }
  pg_query_free_parse_result(result);
  return out;
}

const json::object* child(const json::value& node, std::string_view type) {
  if (!node.is_object()) return nullptr;
  const auto* v = node.as_object().if_contains(type);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

std::string sval(const json::value& node) {
  const auto* s = child(node, "String");
  if (!s) return "";
  const auto* v = s->if_contains("sval");
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// The column a ColumnRef of `alias` names ("" when it names none of it):
// "alias.col", or a bare "col".
std::string column_ref_of(const json::object& ref, std::string_view alias) {
  const auto* fields = ref.if_contains("fields");
  if (!fields || !fields->is_array()) return "";
  const auto& f = fields->as_array();
  if (f.size() == 1) return sval(f[0]);
  if (f.size() >= 2 && sval(f[f.size() - 2]) == alias) return sval(f.back());
  return "";
}

// The column `node` is, looking through a type cast (varchar compared as
// text: the index on the column still serves).
std::string column_of(const json::value& node, std::string_view alias) {
  if (const auto* cast = child(node, "TypeCast")) {
    const auto* arg = cast->if_contains("arg");
    return arg ? column_of(*arg, alias) : "";
  }
  if (const auto* ref = child(node, "ColumnRef")) return column_ref_of(*ref, alias);
  return "";
}

// Whether any column of `alias` appears anywhere in `node`.
bool mentions(const json::value& node, std::string_view alias) {
  if (node.is_array()) {
    return std::any_of(node.as_array().begin(), node.as_array().end(),
                       [&](const json::value& v) { return mentions(v, alias); });
  }
  if (!node.is_object()) return false;
  if (const auto* ref = child(node, "ColumnRef")) return !column_ref_of(*ref, alias).empty();
  for (const auto& [key, value] : node.as_object()) {
    if (mentions(value, alias)) return true;
  }
  return false;
}

void add_unique(std::vector<std::string>& list, const std::string& column) {
  if (std::find(list.begin(), list.end(), column) == list.end()) list.push_back(column);
}

void add_comparison(ColumnUse& use, const json::object& expr, std::string_view alias) {
  const auto* kind = expr.if_contains("kind");
  const auto* name = expr.if_contains("name");
  const auto* lexpr = expr.if_contains("lexpr");
  const auto* rexpr = expr.if_contains("rexpr");
  if (!kind || !kind->is_string() || !name || !name->is_array() || name->as_array().size() != 1 || !lexpr ||
      !rexpr) {
    return;
  }
  const std::string op = sval(name->as_array()[0]);
  std::string column = column_of(*lexpr, alias);
  const json::value* other = rexpr;
  if (column.empty()) {
    column = column_of(*rexpr, alias);
    other = lexpr;
  }
  if (column.empty() || mentions(*other, alias)) return;
  if (kind->as_string() == "AEXPR_OP_ANY" && op == "=") {
    add_unique(use.equality, column);
  } else if (kind->as_string() == "AEXPR_OP") {
    if (op == "=") add_unique(use.equality, column);
    if (op == "<" || op == ">" || op == "<=" || op == ">=") add_unique(use.range, column);
  }
}

void add_conjunct(ColumnUse& use, const json::value& node, std::string_view alias, int depth) {
  if (depth > 32) return;
  if (const auto* b = child(node, "BoolExpr")) {
    const auto* op = b->if_contains("boolop");
    const auto* args = b->if_contains("args");
    if (op && *op == "AND_EXPR" && args && args->is_array()) {
      for (const auto& arg : args->as_array()) add_conjunct(use, arg, alias, depth + 1);
    }
  } else if (const auto* a = child(node, "A_Expr")) {
    add_comparison(use, *a, alias);
  } else if (const auto* n = child(node, "NullTest")) {
    const auto* arg = n->if_contains("arg");
    const auto* type = n->if_contains("nulltesttype");
    if (arg && type && *type == "IS_NULL") {
      const std::string column = column_of(*arg, alias);
      if (!column.empty()) add_unique(use.equality, column);
    }
  }
}

}  // namespace

void add_condition(ColumnUse& use, std::string_view alias, std::string_view condition) {
  if (condition.empty()) return;
  const auto select = select_of("SELECT WHERE " + std::string(condition));
  if (!select) return;
  if (const auto* where = select->if_contains("whereClause")) add_conjunct(use, *where, alias, 0);
}

void set_sort_keys(ColumnUse& use, std::string_view alias, const std::vector<std::string>& keys) {
  use.order.clear();
  if (keys.empty()) return;
  std::string sql = "SELECT ORDER BY ";
  for (size_t i = 0; i < keys.size(); ++i) sql += (i ? ", " : "") + keys[i];
  const auto select = select_of(sql);
  const auto* sort = select ? select->if_contains("sortClause") : nullptr;
  if (!sort || !sort->is_array() || sort->as_array().size() != keys.size()) return;
  std::vector<OrderColumn> order;
  for (const auto& item : sort->as_array()) {
    const auto* by = child(item, "SortBy");
    const auto* node = by ? by->if_contains("node") : nullptr;
    const std::string column = node ? column_of(*node, alias) : "";
    if (column.empty()) return;  // an expression: no plain index gives that order
    const auto* dir = by->if_contains("sortby_dir");
    order.push_back({column, dir && *dir == "SORTBY_DESC"});
  }
  use.order = std::move(order);
}

}  // namespace pgsleuth::advisor
