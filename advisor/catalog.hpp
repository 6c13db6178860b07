#pragma once
// What the advisor reads from a database's catalogs over its side
// connection: a table's size and existing indexes, and whether HypoPG is
// installed. Any role can read these catalogs.

#include <optional>
#include <string>
#include <vector>

#include "advisor/explainer.hpp"
#include "advisor/index_choice.hpp"
#include "advisor/side_connection.hpp"

namespace pgsleuth::advisor {

struct RelationInfo {
  double rows = 0;                     // reltuples (the live-tuple count before a first ANALYZE)
  std::vector<IndexColumns> indexes;   // valid, non-partial btree indexes' key columns
};

struct CatalogResult {
  std::optional<RelationInfo> info;    // nullopt: no such relation, or a failure (then `failure` set)
  std::optional<Explained> failure;
};

CatalogResult relation_info(SideConnection& conn, const std::string& schema, const std::string& relation);

// The schema HypoPG's functions are in; nullopt when the extension is not
// installed in this database (or the lookup failed).
std::optional<std::string> hypopg_schema(SideConnection& conn);

// Table size class, so a table that grew tenfold is explained again.
int size_class(double rows);

}  // namespace pgsleuth::advisor
