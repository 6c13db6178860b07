#include "advisor/index_choice.hpp"

#include <algorithm>

#include "fingerprint/pg_scan.hpp"

namespace pgsleuth::advisor {
namespace {

constexpr int32_t kIdentToken = 258;  // pg_query.proto Token IDENT

bool contains(const std::vector<OrderColumn>& list, const std::string& column) {
  return std::any_of(list.begin(), list.end(), [&](const OrderColumn& c) { return c.column == column; });
}

// Whether `index` leads with `columns`: the equality part in any order, the
// rest in order.
bool leads_with(const IndexColumns& index, const std::vector<OrderColumn>& columns, size_t equality) {
  if (index.size() < columns.size()) return false;
  for (size_t i = 0; i < equality; ++i) {
    const auto end = index.begin() + static_cast<long>(equality);
    if (std::find(index.begin(), end, columns[i].column) == end) return false;
  }
  for (size_t i = equality; i < columns.size(); ++i) {
    if (index[i] != columns[i].column) return false;
  }
  return true;
}

}  // namespace

std::vector<OrderColumn> choose_columns(const ColumnUse& use, const std::vector<IndexColumns>& existing) {
  std::vector<OrderColumn> columns;
  for (const auto& c : use.equality) {
    if (!contains(columns, c)) columns.push_back({c, false});
  }
  const size_t equality = columns.size();
  if (!use.range.empty()) {
    if (!contains(columns, use.range.front())) columns.push_back({use.range.front(), false});
  } else {
    for (const auto& o : use.order) {
      if (!contains(columns, o.column)) columns.push_back(o);
    }
  }
  if (columns.empty()) return {};
  for (const auto& index : existing) {
    if (leads_with(index, columns, equality)) return {};
  }
  return columns;
}

std::string quote_identifier(const std::string& name) {
  bool plain = !name.empty() && (name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'));
  for (char c : name) {
    plain = plain && (c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
  }
  if (plain) {
    // A keyword scans as its own token, not as IDENT.
    std::vector<fingerprint::PgToken> tokens;
    plain = fingerprint::pg_scan_tokens(name, tokens) && tokens.size() == 1 && tokens[0].type == kIdentToken;
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string index_ddl(const std::string& schema, const std::string& relation, const std::vector<OrderColumn>& columns,
                      bool concurrently) {
  std::string ddl = concurrently ? "CREATE INDEX CONCURRENTLY ON " : "CREATE INDEX ON ";
  ddl += (schema.empty() ? "" : quote_identifier(schema) + ".") + quote_identifier(relation) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    ddl += (i ? ", " : "") + quote_identifier(columns[i].column);
    if (columns[i].descending) ddl += " DESC";
  }
  return ddl + ")";
}

}  // namespace pgsleuth::advisor
