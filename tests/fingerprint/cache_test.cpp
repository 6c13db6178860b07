#include <gtest/gtest.h>

#include <fmt/format.h>

#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::fingerprint {
namespace {

TEST(ShapeCache, RepeatsWithOtherLiteralsHitAndShareTheShape) {
  Fingerprinter fp;
  const auto first = fp.analyze("SELECT * FROM users WHERE id = 1");
  const auto second = fp.analyze("SELECT * FROM users WHERE id = 2");
  EXPECT_EQ(fp.stats().misses, 1u);
  EXPECT_EQ(fp.stats().hits, 1u);
  EXPECT_EQ(first[0].shape.get(), second[0].shape.get());
  EXPECT_EQ(second[0].constants, (std::vector<std::string>{"2"}));
  // Same tokens, other comment: a hit; the edge comment is not part of the
  // normalized text, so the cached shape itself is shared.
  const auto third = fp.analyze("SELECT * FROM users WHERE id = 3 /*traceparent='x'*/");
  EXPECT_EQ(fp.stats().hits, 2u);
  EXPECT_EQ(third[0].shape->normalized, "SELECT * FROM users WHERE id = $1");
  EXPECT_EQ(third[0].shape.get(), first[0].shape.get());
  EXPECT_EQ(third[0].shape->fingerprint, first[0].shape->fingerprint);
}

// fuzz_fingerprinter (CI seed, a faster machine): ''x normalizes to $1x,
// which does not lex, so the trailing comment stayed in libpg_query's
// answer while a cache hit, reading the statement's own text, cut it.
TEST(ShapeCache, ACommentAfterAConstantGluedToAWordIsCutOnAMissAndAHit) {
  Fingerprinter fp;
  fp.analyze("SELECT''x");
  const auto hit = fp.analyze("SELECT ''x--");
  EXPECT_EQ(fp.stats().hits, 1u);
  EXPECT_EQ(hit[0].shape->normalized, "SELECT $1x");
  EXPECT_EQ(fp.analyze_uncached("SELECT ''x--")[0].shape->normalized, "SELECT $1x");
}

TEST(ShapeCache, ValueDependentShapesAreKeyedOnTheirValues) {
  Fingerprinter fp;
  const auto a = fp.analyze("COPY t FROM '/tmp/a'");
  const auto b = fp.analyze("COPY t FROM '/tmp/b'");
  EXPECT_EQ(a[0].shape->fingerprint, fp.analyze_uncached("COPY t FROM '/tmp/a'")[0].shape->fingerprint);
  EXPECT_EQ(b[0].shape->fingerprint, fp.analyze_uncached("COPY t FROM '/tmp/b'")[0].shape->fingerprint);
  EXPECT_NE(a[0].shape->fingerprint, b[0].shape->fingerprint);
}

TEST(ShapeCache, BoundedByBytesWithLruEviction) {
  Fingerprinter fp(64 * 1024);
  for (int i = 0; i < 2000; ++i) fp.analyze(fmt::format("SELECT c{} FROM t WHERE id = 1", i));
  const auto stats = fp.stats();
  EXPECT_LE(stats.bytes, 64u * 1024u);
  EXPECT_GT(stats.evictions, 0u);
  EXPECT_LT(stats.entries, 2000u);
  // The most recent shape is still there, the first one is gone.
  const auto before = fp.stats().hits;
  fp.analyze("SELECT c1999 FROM t WHERE id = 2");
  EXPECT_EQ(fp.stats().hits, before + 1);
  fp.analyze("SELECT c0 FROM t WHERE id = 2");
  EXPECT_EQ(fp.stats().hits, before + 1);
}

TEST(ShapeCache, ZeroBytesMeansNoCachingButStillCorrect) {
  Fingerprinter fp(0);
  const auto r = fp.analyze("SELECT 1 FROM t WHERE a = 'x'");
  EXPECT_EQ(r[0].constants, (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(fp.stats().entries, 0u);
}

}  // namespace
}  // namespace pgsleuth::fingerprint
