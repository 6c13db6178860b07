#pragma once
// The config allowlist: findings about a fingerprint, a table or a route
// nobody wants to see again. (Inline markers are applied per statement by
// the detectors.)

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "config/config.hpp"
#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::analyzers {

class Suppression {
 public:
  explicit Suppression(const config::SuppressSettings& settings);

  // `shape` may be null (findings not about one statement).
  bool suppressed(std::string_view fingerprint_hex, const fingerprint::StatementShape* shape,
                  const std::optional<std::string>& route) const;

 private:
  std::unordered_set<std::string> fingerprints_;  // lowercase hex
  std::vector<std::string> tables_;
  std::unordered_set<std::string> routes_;
};

}  // namespace pgsleuth::analyzers
