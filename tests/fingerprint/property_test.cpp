// The fast path (cache + lexer) must give exactly what libpg_query gives.

#include <gtest/gtest.h>

#include "fingerprint/fingerprinter.hpp"
#include "tests/fingerprint/corpus.hpp"

namespace pgsleuth::fingerprint {
namespace {

void expect_same(const std::vector<StatementAnalysis>& fast, const std::vector<StatementAnalysis>& slow,
                 const std::string& sql) {
  ASSERT_EQ(fast.size(), slow.size()) << sql;
  for (size_t i = 0; i < fast.size(); ++i) {
    const auto& f = fast[i];
    const auto& s = slow[i];
    SCOPED_TRACE(sql);
    EXPECT_EQ(f.text, s.text);
    EXPECT_EQ(f.shape->fingerprint, s.shape->fingerprint);
    EXPECT_EQ(f.shape->fingerprint_hex, s.shape->fingerprint_hex);
    EXPECT_EQ(f.shape->normalized, s.shape->normalized);
    EXPECT_EQ(f.shape->parsed, s.shape->parsed);
    EXPECT_EQ(f.constants, s.constants);
    EXPECT_EQ(f.shape->facts.kind, s.shape->facts.kind);
    EXPECT_EQ(f.shape->facts.tables_read, s.shape->facts.tables_read);
    EXPECT_EQ(f.shape->facts.tables_written, s.shape->facts.tables_written);
    EXPECT_EQ(f.shape->facts.has_limit, s.shape->facts.has_limit);
    EXPECT_EQ(f.shape->facts.select_star, s.shape->facts.select_star);
    EXPECT_EQ(f.shape->facts.pure_aggregate, s.shape->facts.pure_aggregate);
  }
}

TEST(FastPathProperty, CorpusAgreesWithLibpgQueryOnMissesAndHits) {
  const auto templates = testing::load_templates(PGSLEUTH_FP_CORPUS);
  ASSERT_GE(templates.size(), 150u);
  Fingerprinter fp;
  Fingerprinter reference;
  testing::LiteralGenerator gen(20240601);
  size_t statements = 0;
  constexpr int kVariants = 4;  // the first one misses, later ones mostly hit
  for (const auto& tmpl : templates) {
    for (int v = 0; v < kVariants; ++v) {
      const std::string sql = gen.fill(tmpl);
      expect_same(fp.analyze(sql), reference.analyze_uncached(sql), sql);
      ++statements;
    }
  }
  EXPECT_GE(statements, 300u);
  const auto stats = fp.stats();
  std::printf("corpus: %zu statements, %llu hits, %llu misses, %llu cache entries\n", statements,
              static_cast<unsigned long long>(stats.hits), static_cast<unsigned long long>(stats.misses),
              static_cast<unsigned long long>(stats.entries));
  // Most repeats must really come from the cache, or the property proves little.
  EXPECT_GT(stats.hits, stats.misses);
}

TEST(FastPathProperty, TinyCacheStaysExactUnderEviction) {
  const auto templates = testing::load_templates(PGSLEUTH_FP_CORPUS);
  Fingerprinter fp(16 * 1024);
  testing::LiteralGenerator gen(7);
  for (int round = 0; round < 3; ++round) {
    for (const auto& tmpl : templates) {
      const std::string sql = gen.fill(tmpl);
      expect_same(fp.analyze(sql), fp.analyze_uncached(sql), sql);
    }
  }
  EXPECT_GT(fp.stats().evictions, 0u);
  EXPECT_LE(fp.stats().bytes, 16u * 1024u);
}

}  // namespace
}  // namespace pgsleuth::fingerprint
