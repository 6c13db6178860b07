-- Statement templates for the fast-path property test: one statement per
-- line, "\n" stands for a newline, {placeholders} are filled with varying
-- literal values (see property_test.cpp). Lines starting with "--" are skipped.
SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."is_superuser", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."id" = {i} LIMIT 21
SELECT "blog_post"."id", "blog_post"."title", "blog_post"."author_id" FROM "blog_post" WHERE "blog_post"."author_id" = {i} ORDER BY "blog_post"."created_at" DESC
SELECT "blog_comment"."id", "blog_comment"."body" FROM "blog_comment" WHERE "blog_comment"."post_id" IN ({in})
SELECT "blog_comment"."id" FROM "blog_comment" WHERE "blog_comment"."post_id" IN ({in}) AND "blog_comment"."approved" = true
SELECT COUNT(*) AS "__count" FROM "blog_post" WHERE "blog_post"."published_at" >= {date}::timestamptz
SELECT ("blog_post"."id") AS "id" FROM "blog_post" WHERE ("blog_post"."status" = {s} AND "blog_post"."score" > {f}) LIMIT 1
INSERT INTO "blog_post" ("title", "body", "author_id", "created_at") VALUES ({s}, {s}, {i}, {date}) RETURNING "blog_post"."id"
UPDATE "blog_post" SET "title" = {s}, "score" = {f} WHERE "blog_post"."id" = {i}
DELETE FROM "blog_comment" WHERE "blog_comment"."id" IN ({in})
SELECT "django_session"."session_key", "django_session"."session_data" FROM "django_session" WHERE ("django_session"."expire_date" > {date} AND "django_session"."session_key" = {s}) LIMIT 21
SELECT DISTINCT "tags"."name" FROM "tags" INNER JOIN "post_tags" ON ("tags"."id" = "post_tags"."tag_id") WHERE "post_tags"."post_id" = {i}
SELECT "orders"."id" FROM "orders" WHERE "orders"."total" BETWEEN {f} AND {f} ORDER BY "orders"."id" ASC LIMIT {i} OFFSET {i}
SELECT EXTRACT(YEAR FROM "orders"."created_at") AS "y", SUM("orders"."total") FROM "orders" GROUP BY 1
SELECT "users".* FROM "users" WHERE "users"."id" = $1 LIMIT $2
SELECT "users".* FROM "users" WHERE "users"."email" = {s} LIMIT 1
SELECT "posts".* FROM "posts" WHERE "posts"."user_id" = {i}
SELECT "posts".* FROM "posts" WHERE "posts"."user_id" IN ({in}) ORDER BY "posts"."id" DESC
SELECT COUNT(*) FROM "comments" WHERE "comments"."post_id" = {i}
SELECT 1 AS one FROM "users" WHERE "users"."email" = {s} AND "users"."id" != {i} LIMIT 1
INSERT INTO "users" ("email", "created_at", "updated_at") VALUES ({s}, {date}, {date}) RETURNING "id"
UPDATE "users" SET "sign_in_count" = {i}, "updated_at" = {date} WHERE "users"."id" = {i}
DELETE FROM "sessions" WHERE "sessions"."updated_at" < {date}
SELECT "products".* FROM "products" WHERE "products"."price" > {f} AND "products"."deleted_at" IS NULL ORDER BY "products"."name" ASC
SELECT users.id AS users_id, users.name AS users_name FROM users WHERE users.id = %(id_1)s
SELECT users.id AS users_id, users.name AS users_name FROM users WHERE users.id = {i}
SELECT addresses.id, addresses.email FROM addresses WHERE {i} = addresses.user_id
SELECT users.id, users.name FROM users WHERE users.name LIKE {s} ESCAPE '/'
SELECT count(*) AS count_1 FROM (SELECT users.id AS users_id FROM users WHERE users.age >= {i}) AS anon_1
INSERT INTO users (name, fullname) VALUES ({s}, {s}) RETURNING users.id
UPDATE users SET fullname={s} WHERE users.id = {i}
DELETE FROM addresses WHERE addresses.id = {i}
SELECT users.id FROM users WHERE users.created > now() - interval {s}
select user0_.id as id1_0_, user0_.name as name2_0_ from users user0_ where user0_.id=?
select user0_.id as id1_0_, user0_.name as name2_0_ from users user0_ where user0_.id={i}
select order0_.id as id1_1_, order0_.customer_id as customer2_1_ from orders order0_ where order0_.customer_id={i}
select items0_.order_id as order_id3_2_0_, items0_.id as id1_2_0_ from order_items items0_ where items0_.order_id={i}
insert into orders (customer_id, total, id) values ({i}, {f}, {i})
update orders set total={f}, status={s} where id={i}
delete from order_items where order_id={i}
select nextval ('hibernate_sequence')
select count(*) as col_0_0_ from orders order0_ where order0_.status={s}
SELECT * FROM accounts WHERE balance < {neg}
SELECT * FROM accounts WHERE balance < - {i}
SELECT * FROM accounts WHERE balance<-{i}
SELECT a.id, a.balance - {i} FROM accounts a WHERE a.id = {i}
SELECT {i} - {i}, {i}-{i}, x-{i} FROM t
SELECT id FROM measurements WHERE value > {exp} AND value < -{exp}
SELECT id FROM measurements WHERE value IN ({f}, {f}, .5, 1e-5, 1E+10, 2.)
SELECT * FROM big WHERE id = {big}
SELECT * FROM big WHERE id = {i} OR id = {big}
SELECT * FROM events WHERE day = DATE {date} AND ts > TIMESTAMP {date}
SELECT * FROM events WHERE day = {date}::date AND n = {s}::int
SELECT CAST({s} AS integer), CAST({i} AS numeric(10,2)), {s}::varchar(20)
SELECT * FROM events WHERE at > now() - INTERVAL {s} AND created_at AT TIME ZONE 'UTC' > {date}
SELECT * FROM notes WHERE body = {e}
SELECT * FROM notes WHERE body = {d}
SELECT * FROM notes WHERE body = $tag${s}$tag$ AND id = {i}
SELECT * FROM notes WHERE body = {u}
SELECT * FROM notes WHERE body = U&'d\0061t\+000061' AND id = {i}
SELECT * FROM flags WHERE bits = {b} OR mask = {x}
SELECT * FROM people WHERE name = N{s}
SELECT * FROM people WHERE name = {s} /* a comment /* nested */ still comment */ AND id = {i}
SELECT * FROM people -- trailing line comment with 'quote'\nWHERE id = {i}
SELECT "select", "from", "where" FROM "table" WHERE "order" = {i}
SELECT "Mixed Case"."Weird ""Name""" FROM "Mixed Case" WHERE "Mixed Case"."id" = {i}
SELECT name, type, value, key, data, text FROM settings WHERE name = {s}
SELECT user, current_date, position({s} in name) FROM accounts
SELECT a.* , b.id FROM a JOIN b ON a.id = b.a_id WHERE b.x = {i}
SELECT id FROM users WHERE active = true AND deleted = false AND name = {s}
SELECT id FROM users WHERE manager_id IS NULL AND team_id = {i}
SELECT id FROM users WHERE manager_id = NULL
SELECT id FROM users LIMIT ALL
SELECT id FROM users ORDER BY id FETCH FIRST {i} ROWS ONLY
SELECT id FROM users ORDER BY id FETCH FIRST ROW ONLY
SELECT id FROM users WHERE id = ANY({arr})
SELECT id FROM users WHERE tags @> ARRAY[{s}, {s}]::text[]
SELECT data->>{s} AS v FROM docs WHERE data @> {json}::jsonb
SELECT id FROM users WHERE id = $1 AND name = {s}
SELECT id FROM users WHERE id = $2 AND name = $1 AND age > {i}
SELECT id FROM docs WHERE title ILIKE {s} || '%'
SELECT max(score), min(score), avg(score) FROM results WHERE run_id = {i}
SELECT count(DISTINCT user_id) FROM visits WHERE day = {date}
SELECT coalesce(sum(amount), 0) FROM payments WHERE account_id = {i}
SELECT count(*) OVER () FROM payments WHERE account_id = {i}
SELECT status, count(*) FROM orders WHERE shop_id = {i} GROUP BY status
WITH recent AS (SELECT * FROM orders WHERE created_at > {date}) SELECT recent.id FROM recent JOIN customers c ON c.id = recent.customer_id WHERE c.tier = {s}
WITH RECURSIVE tree(id, parent) AS (SELECT id, parent FROM nodes WHERE id = {i} UNION ALL SELECT n.id, n.parent FROM nodes n JOIN tree t ON n.parent = t.id) SELECT * FROM tree
INSERT INTO archive.orders SELECT * FROM public.orders WHERE created_at < {date}
INSERT INTO audit (table_name, row_id, action) VALUES ({s}, {i}, {s}), ({s}, {i}, {s})
INSERT INTO counters (key, n) VALUES ({s}, {i}) ON CONFLICT (key) DO UPDATE SET n = counters.n + {i}
UPDATE inventory i SET qty = i.qty - s.qty FROM shipments s WHERE s.item_id = i.id AND s.id = {i}
DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.disabled = true AND u.id = {i}
MERGE INTO stock s USING incoming i ON s.id = i.id WHEN MATCHED THEN UPDATE SET qty = s.qty + {i} WHEN NOT MATCHED THEN INSERT VALUES (i.id, {i})
SELECT * FROM orders WHERE id = {i} FOR UPDATE SKIP LOCKED
SELECT pg_advisory_lock({i})
SELECT id FROM t1 UNION SELECT id FROM t2 WHERE x = {s} LIMIT {i}
SELECT (SELECT count(*) FROM c WHERE c.p = p.id) AS n FROM p WHERE p.id = {i}
SELECT * FROM users WHERE id = {i} /*traceparent='{tp}',route='%2Fusers%2F%3Aid',controller='users',action='show'*/
/*traceparent='{tp}',application='shop'*/ SELECT * FROM carts WHERE user_id = {i}
SELECT * FROM users WHERE id = {i} /* pgsleuth:ignore=n_plus_one,duplicate_query */
SELECT * FROM users WHERE id = {i} -- pgsleuth:ignore
SELECT {s} AS "a;b", {i} AS ";"
SELECT id FROM t WHERE a = {s};
SELECT {i}; UPDATE t SET a = {i} WHERE id = {i}
BEGIN; SELECT * FROM t WHERE id = {i}; COMMIT
;; SELECT {i};;
SELECT * FROM t WHERE s = {s}\n  AND u = {i}\n  ORDER BY 1
BEGIN
BEGIN ISOLATION LEVEL REPEATABLE READ
START TRANSACTION
COMMIT
ROLLBACK
END
SAVEPOINT sp_{i}
RELEASE SAVEPOINT sp1
ROLLBACK TO SAVEPOINT sp1
SET statement_timeout = {i}
SET LOCAL search_path TO {s}
SET TIME ZONE 'UTC'
SET search_path = 'a', b
RESET ALL
SHOW server_version
SET application_name = {s}
CREATE TABLE IF NOT EXISTS t{i} (id bigint PRIMARY KEY, name text DEFAULT {s})
ALTER TABLE users ADD COLUMN age integer DEFAULT {i}
DROP TABLE IF EXISTS tmp_{i}
TRUNCATE TABLE logs, public.events
CREATE INDEX CONCURRENTLY idx_users_email ON users (email)
COPY users (id, name) FROM STDIN
COPY (SELECT * FROM users WHERE id > {i}) TO STDOUT WITH CSV
COPY users FROM {s}
VACUUM ANALYZE users
EXPLAIN SELECT * FROM users WHERE id = {i}
EXPLAIN (ANALYZE, FORMAT 'json') SELECT * FROM users WHERE id = {i}
LISTEN events
NOTIFY events, {s}
PREPARE q1 (int) AS SELECT * FROM users WHERE id = $1
EXECUTE q1({i})
DEALLOCATE q1
DISCARD ALL
DO $$BEGIN PERFORM {i}; END$$
SELECT 1
SELECT now()
SELECT version()
SELECT * FROM pg_catalog.pg_class WHERE relname = {s}
SELECT c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname = {s}
SELECT 0x1F
SELECT {i}abc
SELECT * FROM t WHERE x = 'unterminated
SELECT * FROM t WHERE x = $$ unterminated
SELEC * FROM t WHERE id = {i}
SELECT * FROM t WHERE id = {i} AND
SELECT 'a'\n'b'
SELECT U&'d!0061t' UESCAPE '!'
SELECT E'\u0041' || {s}
SELECT E'\101\x41' AS x, {i}
SELECT * FROM "" WHERE id = {i}
SELECT 1 FROM t WHERE a = - /* odd */ {i}
SELECT a FROM t WHERE b = - -{i}
SELECT ARRAY[{i}, {i}][1:2]
SELECT a::text[], b::int4[] FROM t WHERE c = {i}
SELECT x FROM t WHERE y = :'var'
SELECT {s} COLLATE "C" FROM t
SELECT * FROM t1 NATURAL JOIN t2 WHERE t1.a = {i}
SELECT * FROM t WHERE a = ANY('{1,2,3}'::int[]) AND b = {i}
SELECT * FROM t WHERE (a, b) IN (({i}, {s}), ({i}, {s}))
SELECT * FROM t TABLESAMPLE SYSTEM ({f}) WHERE a = {i}
SELECT extract('year' FROM d), extract(month FROM d) FROM t WHERE id = {i}
SELECT trim(both 'x' from name), substring(name from {i} for {i}) FROM t
SELECT 'x' ~ 'y', a !~* {s}, b <-> point({f}, {f}) FROM t
SELECT * FROM t WHERE a >= {i} AND b <= {i} AND c <> {i} AND d != {i}
SELECT * FROM t WHERE a=+{i} AND b=-{i} AND c*-{i} > 0
SELECT $1::int + {i}, $2
SELECT café, naïve FROM menu WHERE prix = {f}
