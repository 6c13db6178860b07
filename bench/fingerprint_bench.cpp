// Per-statement cost of the fingerprint module: the cached fast path against
// calling libpg_query (pg_query_fingerprint + pg_query_normalize) for every
// statement, on realistic ORM statements whose literal values vary.

#include <benchmark/benchmark.h>
#include <pg_query.h>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fingerprint/fingerprinter.hpp"

namespace {

using pgsleuth::fingerprint::Fingerprinter;

// About 200 bytes each once filled in, like Django / Rails / Hibernate output.
const std::vector<std::string>& templates() {
  static const std::vector<std::string> t = {
      R"(SELECT "auth_user"."id", "auth_user"."username", "auth_user"."email" FROM "auth_user" WHERE "auth_user"."id" = {} LIMIT 21)",
      R"(SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id" FROM "blog_post" WHERE "blog_post"."author_id" = {} ORDER BY "blog_post"."id" DESC)",
      R"(SELECT "posts".* FROM "posts" WHERE "posts"."user_id" = {} AND "posts"."status" = 'published' ORDER BY "posts"."created_at" DESC LIMIT 10)",
      R"(UPDATE "users" SET "sign_in_count" = {}, "updated_at" = '2024-05-01 10:11:12' WHERE "users"."id" = 42 /*controller='users',action='show'*/)",
      R"(select order0_.id as id1_1_, order0_.customer_id as customer2_1_, order0_.total as total3_1_ from orders order0_ where order0_.customer_id={})",
      R"(INSERT INTO "audit_log" ("table_name", "row_id", "action", "created_at") VALUES ('orders', {}, 'update', '2024-05-01T10:11:12Z') RETURNING "id")",
  };
  return t;
}

std::vector<std::string> corpus(size_t n) {
  std::mt19937 rng(42);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(fmt::format(fmt::runtime(templates()[i % templates().size()]), rng() % 1000000));
  }
  return out;
}

// `shapes` distinct shapes (one table each), picked uniformly at random.
std::vector<std::string> many_shapes(size_t n, size_t shapes) {
  std::mt19937 rng(7);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t k = rng() % shapes;
    out.push_back(fmt::format(
        R"(SELECT "t{0}"."id", "t{0}"."name", "t{0}"."created_at" FROM "t{0}" WHERE "t{0}"."owner_id" = {1} AND "t{0}"."state" = 'active' LIMIT 21)",
        k, rng() % 1000000));
  }
  return out;
}

void BM_FastPathHits(benchmark::State& state) {
  const auto stmts = corpus(4096);
  Fingerprinter fp;
  for (const auto& s : stmts) fp.analyze(s);  // warm: every shape cached
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& s = stmts[i++ % stmts.size()];
    bytes += s.size();
    benchmark::DoNotOptimize(fp.analyze(s));
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["hit_rate"] = static_cast<double>(fp.stats().hits) /
                               static_cast<double>(fp.stats().hits + fp.stats().misses);
  state.counters["avg_stmt_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FastPathHits);

void BM_LibpgQueryPerStatement(benchmark::State& state) {
  const auto stmts = corpus(4096);
  size_t i = 0;
  for (auto _ : state) {
    const auto& s = stmts[i++ % stmts.size()];
    PgQueryFingerprintResult f = pg_query_fingerprint(s.c_str());
    PgQueryNormalizeResult n = pg_query_normalize(s.c_str());
    benchmark::DoNotOptimize(f.fingerprint);
    benchmark::DoNotOptimize(n.normalized_query);
    pg_query_free_fingerprint_result(f);
    pg_query_free_normalize_result(n);
  }
}
BENCHMARK(BM_LibpgQueryPerStatement);

// The full slow path (what a miss costs): fingerprint, normalize, parse tree
// facts and constants.
void BM_SlowPathPerStatement(benchmark::State& state) {
  const auto stmts = corpus(4096);
  Fingerprinter fp;
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(fp.analyze_uncached(stmts[i++ % stmts.size()]));
}
BENCHMARK(BM_SlowPathPerStatement);

// More shapes than the cache holds: Arg(0) = number of shapes, cache 256 kB
// (about 400 shapes of this size fit).
void BM_ShapesExceedCache(benchmark::State& state) {
  const auto shapes = static_cast<size_t>(state.range(0));
  const auto stmts = many_shapes(20000, shapes);
  Fingerprinter fp(256 * 1024);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(fp.analyze(stmts[i++ % stmts.size()]));
  const auto st = fp.stats();
  state.counters["hit_rate"] = static_cast<double>(st.hits) / static_cast<double>(st.hits + st.misses);
  state.counters["entries"] = static_cast<double>(st.entries);
  state.counters["cache_kB"] = static_cast<double>(st.bytes) / 1024.0;
  state.counters["evictions"] = static_cast<double>(st.evictions);
}
BENCHMARK(BM_ShapesExceedCache)->Arg(100)->Arg(400)->Arg(1000)->Arg(4000);

}  // namespace

BENCHMARK_MAIN();
