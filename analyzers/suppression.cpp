#include "analyzers/suppression.hpp"

#include <algorithm>
#include <cctype>

#include "analyzers/statement_filters.hpp"

namespace pgsleuth::analyzers {

namespace {

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Suppression::Suppression(const config::SuppressSettings& settings)
    : tables_(settings.tables), routes_(settings.routes.begin(), settings.routes.end()) {
  for (const auto& f : settings.fingerprints) fingerprints_.insert(lowercase(f));
}

bool Suppression::suppressed(std::string_view fingerprint_hex,
                             const fingerprint::StatementShape* shape,
                             const std::optional<std::string>& route) const {
  if (route && routes_.contains(*route)) return true;
  if (fingerprints_.contains(std::string(fingerprint_hex))) return true;
  if (!shape) return false;
  const auto listed = [&](const std::string& table) {
    return std::any_of(tables_.begin(), tables_.end(),
                       [&](const std::string& t) { return same_table(t, table); });
  };
  return std::any_of(shape->facts.tables_read.begin(), shape->facts.tables_read.end(), listed) ||
         std::any_of(shape->facts.tables_written.begin(), shape->facts.tables_written.end(),
                     listed);
}

}  // namespace pgsleuth::analyzers
