#pragma once
// SQL text in, fingerprint + facts + constant values out. libpg_query runs
// once per statement shape; a literal-stripping scan keys a bounded cache.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fingerprint/sqlcommenter.hpp"
#include "fingerprint/statement_shape.hpp"

namespace pgsleuth::fingerprint {

struct StatementAnalysis {
  std::shared_ptr<const StatementShape> shape;
  std::string text;                    // this statement's text, as sent
  // Literal constant values in order of appearance, as their text value
  // (string literals unquoted and unescaped, numbers as written), so they
  // compare equal to the same value returned by the server in text format.
  std::vector<std::string> constants;
  // sqlcommenter tags and pgsleuth markers: this statement's own, else (for
  // one statement of several) those at the edges of the whole text.
  SqlComment comment;
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

// Not thread-safe: one owner (the analysis thread).
class Fingerprinter {
 public:
  explicit Fingerprinter(uint64_t cache_bytes = 4 * 1024 * 1024);
  ~Fingerprinter();
  Fingerprinter(const Fingerprinter&) = delete;
  Fingerprinter& operator=(const Fingerprinter&) = delete;

  // One entry per statement of `sql` (a simple Query may hold several), in
  // order. Never throws on bad SQL: unparsable text gets a stable fallback.
  std::vector<StatementAnalysis> analyze(std::string_view sql);

  // The same result computed without the cache, straight from libpg_query.
  // Exists so tests can prove the fast path exact.
  std::vector<StatementAnalysis> analyze_uncached(std::string_view sql);

  CacheStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgsleuth::fingerprint
