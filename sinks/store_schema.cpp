#include "sinks/store_schema.hpp"

namespace pgsleuth::sinks {

const std::string& store_schema_sql() {
  // synchronous_commit for this session whatever the server's default: a
  // line counts as written (and leaves the buffer) only once its COMMIT is
  // durable, so a store that crashes right after cannot lose it.
  //
  // The DDL runs only when something is missing: a role that may only
  // INSERT into a table a DBA made (CREATE ... IF NOT EXISTS still needs
  // CREATE on the schema, ALTER TABLE needs the table's owner) never runs it.
  static const std::string sql = R"(SET synchronous_commit = on;
DO $pgsleuth$
BEGIN
  IF to_regclass('pgsleuth_findings') IS NOT NULL
     AND to_regclass('pgsleuth_findings_run_seq') IS NOT NULL
     AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('pgsleuth_findings')
                 AND attname = 'seq' AND NOT attisdropped) THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('pgsleuth_findings'));
  CREATE TABLE IF NOT EXISTS pgsleuth_findings (
    id bigserial PRIMARY KEY,
    ts timestamptz,
    instance text,
    kind text,
    severity text,
    fingerprint text,
    route text,
    request_id text,
    database text,
    application_name text,
    finding jsonb,
    run_id text,
    seq bigint);
  ALTER TABLE pgsleuth_findings ADD COLUMN IF NOT EXISTS run_id text, ADD COLUMN IF NOT EXISTS seq bigint;
  CREATE INDEX IF NOT EXISTS pgsleuth_findings_ts ON pgsleuth_findings (ts);
  CREATE INDEX IF NOT EXISTS pgsleuth_findings_kind_fingerprint ON pgsleuth_findings (kind, fingerprint);
  CREATE UNIQUE INDEX IF NOT EXISTS pgsleuth_findings_run_seq ON pgsleuth_findings (run_id, seq);
END
$pgsleuth$;)";
  return sql;
}

const std::string& store_insert_sql() {
  // ORDER BY the array position: id (bigserial) follows the lines' order.
  static const std::string sql = R"(INSERT INTO pgsleuth_findings
  (ts, instance, kind, severity, fingerprint, route, request_id, database, application_name, finding, run_id, seq)
SELECT (e.pair->1->>'ts')::timestamptz, e.pair->1->>'instance', e.pair->1->>'kind', e.pair->1->>'severity',
       e.pair->1->>'fingerprint', e.pair->1->>'route', e.pair->1->>'request_id', e.pair->1->>'database',
       e.pair->1->>'application_name', e.pair->1, $2, (e.pair->>0)::bigint
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(pair, n)
ORDER BY e.n
ON CONFLICT (run_id, seq) DO NOTHING)";
  return sql;
}

const std::string& store_select_sql() {
  static const std::string sql = R"(SELECT finding::text FROM pgsleuth_findings
WHERE ($1::timestamptz IS NULL OR ts >= $1::timestamptz) AND ($2::text IS NULL OR instance = $2::text)
ORDER BY id)";
  return sql;
}

}  // namespace pgsleuth::sinks
