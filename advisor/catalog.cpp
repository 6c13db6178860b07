#include "advisor/catalog.hpp"

#include <cmath>

#include <boost/json.hpp>

namespace pgsleuth::advisor {
namespace {

constexpr const char* kRelationSql = R"(
SELECT c.oid, CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE coalesce(s.n_live_tup, 0) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
WHERE n.nspname = $1 AND c.relname = $2)";

// Key columns in order, "" for an expression column.
constexpr const char* kIndexesSql = R"(
SELECT array_to_json(ARRAY(
  SELECT coalesce(a.attname::text, '')
  FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE k.ord <= i.indnkeyatts ORDER BY k.ord))::text
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = $1::oid AND i.indisvalid AND i.indpred IS NULL AND am.amname = 'btree')";

Explained failure_of(SideConnection& conn, const QueryResult& r) {
  Explained e;
  e.fault = conn.ok() ? statement_fault(r.sqlstate) : Fault::ConnectionLost;
  e.message = r.message;
  return e;
}

IndexColumns columns_of(const std::string& json_text) {
  IndexColumns out;
  boost::system::error_code ec;
  const auto v = boost::json::parse(json_text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& c : v.as_array()) out.push_back(c.is_string() ? std::string(c.as_string()) : "");
  return out;
}

}  // namespace

CatalogResult relation_info(SideConnection& conn, const std::string& schema, const std::string& relation) {
  CatalogResult out;
  QueryResult rel = conn.query(kRelationSql, {schema, relation});
  if (!rel.ok) {
    out.failure = failure_of(conn, rel);
    return out;
  }
  if (rel.rows.size() != 1 || !rel.rows[0][0] || !rel.rows[0][1]) return out;
  RelationInfo info;
  info.rows = std::strtod(rel.rows[0][1]->c_str(), nullptr);
  QueryResult idx = conn.query(kIndexesSql, {*rel.rows[0][0]});
  if (!idx.ok) {
    out.failure = failure_of(conn, idx);
    return out;
  }
  for (const auto& row : idx.rows) {
    if (row[0]) info.indexes.push_back(columns_of(*row[0]));
  }
  out.info = std::move(info);
  return out;
}

std::optional<std::string> hypopg_schema(SideConnection& conn) {
  QueryResult r = conn.query(
      "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'");
  if (!r.ok || r.rows.size() != 1 || !r.rows[0][0]) return std::nullopt;
  return *r.rows[0][0];
}

int size_class(double rows) { return rows < 1 ? 0 : static_cast<int>(std::floor(std::log10(rows))); }

}  // namespace pgsleuth::advisor
