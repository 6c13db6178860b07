#include "analyzers/statement_filters.hpp"

#include <algorithm>

namespace pgsleuth::analyzers {

namespace {

using fingerprint::StatementKind;

std::string_view unqualified(std::string_view table) {
  const auto dot = table.rfind('.');
  return dot == std::string_view::npos ? table : table.substr(dot + 1);
}

}  // namespace

bool is_system_table(std::string_view table) {
  if (table.starts_with("pg_catalog.") || table.starts_with("information_schema.")) return true;
  return table.find('.') == std::string_view::npos && table.starts_with("pg_");
}

bool touches_user_table(const fingerprint::StatementShape& shape) {
  const auto user = [](const std::string& t) { return !is_system_table(t); };
  return std::any_of(shape.facts.tables_read.begin(), shape.facts.tables_read.end(), user) ||
         std::any_of(shape.facts.tables_written.begin(), shape.facts.tables_written.end(), user);
}

bool is_session_control(const fingerprint::StatementShape& shape) {
  return shape.facts.kind == StatementKind::TransactionControl ||
         shape.facts.kind == StatementKind::SetShow;
}

bool is_user_select(const fingerprint::StatementShape& shape) {
  return shape.facts.kind == StatementKind::Select && touches_user_table(shape);
}

bool is_user_write(const fingerprint::StatementShape& shape) {
  const auto k = shape.facts.kind;
  return (k == StatementKind::Insert || k == StatementKind::Update ||
          k == StatementKind::Delete || k == StatementKind::Merge) &&
         touches_user_table(shape);
}

bool same_table(std::string_view a, std::string_view b) {
  if (a == b) return true;
  // Only loosen the match when one side is unqualified: schema-qualified
  // names in different schemas are different tables.
  const bool a_bare = a.find('.') == std::string_view::npos;
  const bool b_bare = b.find('.') == std::string_view::npos;
  return (a_bare || b_bare) && a_bare != b_bare && unqualified(a) == unqualified(b);
}

}  // namespace pgsleuth::analyzers
