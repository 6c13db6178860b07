#include <gtest/gtest.h>

#include "fingerprint/fingerprinter.hpp"

namespace pgsleuth::fingerprint {
namespace {

StatementFacts facts(std::string_view sql) {
  Fingerprinter fp;
  const auto r = fp.analyze(sql);
  EXPECT_EQ(r.size(), 1u) << sql;
  return r.empty() ? StatementFacts{} : r[0].shape->facts;
}

using Names = std::vector<std::string>;

TEST(Facts, Kinds) {
  const std::vector<std::pair<std::string, StatementKind>> cases = {
      {"SELECT 1", StatementKind::Select},
      {"INSERT INTO t VALUES (1)", StatementKind::Insert},
      {"UPDATE t SET a = 1", StatementKind::Update},
      {"DELETE FROM t", StatementKind::Delete},
      {"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", StatementKind::Merge},
      {"CREATE TABLE t (a int)", StatementKind::Ddl},
      {"ALTER TABLE t ADD COLUMN b int", StatementKind::Ddl},
      {"DROP TABLE t", StatementKind::Ddl},
      {"TRUNCATE t", StatementKind::Ddl},
      {"COPY t FROM STDIN", StatementKind::Utility},
      {"VACUUM t", StatementKind::Utility},
      {"EXPLAIN SELECT 1", StatementKind::Utility},
      {"LISTEN c", StatementKind::Utility},
      {"NOTIFY c", StatementKind::Utility},
      {"PREPARE p AS SELECT 1", StatementKind::Utility},
      {"EXECUTE p", StatementKind::Utility},
      {"DEALLOCATE p", StatementKind::Utility},
      {"DISCARD ALL", StatementKind::Utility},
      {"DO $$BEGIN END$$", StatementKind::Utility},
      {"BEGIN", StatementKind::TransactionControl},
      {"START TRANSACTION", StatementKind::TransactionControl},
      {"COMMIT", StatementKind::TransactionControl},
      {"END", StatementKind::TransactionControl},
      {"ROLLBACK", StatementKind::TransactionControl},
      {"ABORT", StatementKind::TransactionControl},
      {"SAVEPOINT s", StatementKind::TransactionControl},
      {"RELEASE SAVEPOINT s", StatementKind::TransactionControl},
      {"PREPARE TRANSACTION 'x'", StatementKind::TransactionControl},
      {"COMMIT PREPARED 'x'", StatementKind::TransactionControl},
      {"SET a = 1", StatementKind::SetShow},
      {"RESET a", StatementKind::SetShow},
      {"SHOW a", StatementKind::SetShow},
      {"SELEC 1", StatementKind::Unknown},
  };
  for (const auto& [sql, kind] : cases) EXPECT_EQ(facts(sql).kind, kind) << sql;
}

TEST(Facts, TablesReadAndWritten) {
  auto f = facts("SELECT * FROM public.users u JOIN orders o ON o.uid = u.id WHERE o.id IN (SELECT id FROM x.items)");
  EXPECT_EQ(f.tables_read, (Names{"public.users", "orders", "x.items"}));
  EXPECT_TRUE(f.tables_written.empty());

  f = facts("INSERT INTO archive.orders SELECT * FROM orders WHERE id > 5");
  EXPECT_EQ(f.tables_written, (Names{"archive.orders"}));
  EXPECT_EQ(f.tables_read, (Names{"orders"}));

  f = facts("UPDATE inventory SET qty = 1 FROM shipments s WHERE s.id = inventory.id");
  EXPECT_EQ(f.tables_written, (Names{"inventory"}));
  EXPECT_EQ(f.tables_read, (Names{"shipments"}));

  f = facts("DELETE FROM sessions USING users WHERE users.id = sessions.uid");
  EXPECT_EQ(f.tables_written, (Names{"sessions"}));
  EXPECT_EQ(f.tables_read, (Names{"users"}));

  f = facts("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN users ON true");
  EXPECT_EQ(f.tables_read, (Names{"orders", "users"}));  // CTE "recent" is not a table

  f = facts("TRUNCATE logs, public.events");
  EXPECT_EQ(f.tables_written, (Names{"logs", "public.events"}));

  f = facts("COPY users TO STDOUT");
  EXPECT_EQ(f.tables_read, (Names{"users"}));
  f = facts("COPY users FROM STDIN");
  EXPECT_EQ(f.tables_written, (Names{"users"}));

  f = facts("SELECT * FROM \"Mixed Case\"");
  EXPECT_EQ(f.tables_read, (Names{"Mixed Case"}));
}

TEST(Facts, LimitStarAggregate) {
  EXPECT_TRUE(facts("SELECT a FROM t LIMIT 5").has_limit);
  EXPECT_TRUE(facts("SELECT a FROM t FETCH FIRST 3 ROWS ONLY").has_limit);
  EXPECT_FALSE(facts("SELECT a FROM t LIMIT ALL").has_limit);
  EXPECT_FALSE(facts("SELECT a FROM t OFFSET 5").has_limit);
  EXPECT_TRUE(facts("SELECT a FROM t UNION SELECT b FROM u LIMIT 2").has_limit);

  EXPECT_TRUE(facts("SELECT * FROM t").select_star);
  EXPECT_TRUE(facts("SELECT t.* FROM t").select_star);
  EXPECT_TRUE(facts("SELECT a FROM (SELECT * FROM t) s").select_star);
  EXPECT_FALSE(facts("SELECT count(*) FROM t").select_star);
  EXPECT_FALSE(facts("INSERT INTO t VALUES (1) RETURNING *").select_star);

  EXPECT_TRUE(facts("SELECT count(*) FROM t").pure_aggregate);
  EXPECT_TRUE(facts("SELECT max(a), min(a), coalesce(sum(b), 0) FROM t WHERE c = 1").pure_aggregate);
  EXPECT_FALSE(facts("SELECT a, count(*) FROM t GROUP BY a").pure_aggregate);
  EXPECT_FALSE(facts("SELECT count(*) OVER () FROM t").pure_aggregate);
  EXPECT_FALSE(facts("SELECT a FROM t").pure_aggregate);
  EXPECT_FALSE(facts("SELECT 1").pure_aggregate);
}

TEST(Facts, MultiStatementGivesOneEntryPerExecutedStatement) {
  Fingerprinter fp;
  for (const auto& r : {fp.analyze("SELECT 1; UPDATE t SET a = 2;; ; SELECT 3 -- end"),
                        fp.analyze_uncached("SELECT 1; UPDATE t SET a = 2;; ; SELECT 3 -- end")}) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].text, "SELECT 1");
    EXPECT_EQ(r[1].text, "UPDATE t SET a = 2");
    EXPECT_EQ(r[1].shape->facts.kind, StatementKind::Update);
    EXPECT_EQ(r[2].text, "SELECT 3 -- end");
  }
  EXPECT_TRUE(fp.analyze("").empty());
  EXPECT_TRUE(fp.analyze(" ; -- nothing").empty());
}

TEST(Facts, FingerprintMatchesLibpgQueryAcrossLiteralsAndParams) {
  Fingerprinter fp;
  const auto a = fp.analyze("SELECT * FROM t WHERE id = 5")[0].shape;
  const auto b = fp.analyze("SELECT * FROM t WHERE id = $1")[0].shape;
  const auto c = fp.analyze("select *   from t where id = 7 /* c */")[0].shape;
  EXPECT_EQ(a->fingerprint_hex, b->fingerprint_hex);
  EXPECT_EQ(a->fingerprint_hex, c->fingerprint_hex);
  EXPECT_EQ(a->fingerprint_hex.size(), 16u);
  EXPECT_EQ(c->normalized, "select *   from t where id = $1");
  const auto in2 = fp.analyze("SELECT 1 FROM t WHERE id IN (1, 2)")[0];
  const auto in3 = fp.analyze("SELECT 1 FROM t WHERE id IN (1, 2, 3)")[0];
  EXPECT_EQ(in2.shape->fingerprint, in3.shape->fingerprint);
  EXPECT_EQ(in2.shape->normalized, "SELECT $1 FROM t WHERE id IN ($2, $3)");
  EXPECT_EQ(in3.shape->normalized, "SELECT $1 FROM t WHERE id IN ($2, $3, $4)");
}

}  // namespace
}  // namespace pgsleuth::fingerprint
