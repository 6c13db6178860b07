"""psycopg2 (simple protocol) using the session's own SQL: what a driver or
an application says to the server about the session rather than the data.
  set_application_name  SET application_name after login (as pgjdbc does), then an N+1 of AUTHORS
  prepare_select        PREPARE a lookup, EXECUTE it once per author (an N+1 of the prepared SELECT)
  prepare_insert        PREPARE an INSERT, EXECUTE it once per author (unbatched_write)
  deallocate            PREPARE q, DEALLOCATE q, PREPARE q as a lookup of ss_log and EXECUTE it once per
                        author; DISCARD ALL, PREPARE q as a lookup of ss_authors and EXECUTE that
Usage: session_sql.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import client_args
import psycopg2_connection

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(
    ["set_application_name", "prepare_select", "prepare_insert", "deallocate"])


def create_schema():
    psycopg2_connection.set_up(DIRECT_PORT, APPLICATION_NAME, [
        "DROP TABLE IF EXISTS ss_authors, ss_log",
        "CREATE TABLE ss_authors (id int PRIMARY KEY, name text NOT NULL)",
        f"INSERT INTO ss_authors SELECT g, 'author ' || g FROM generate_series(1, {client_args.AUTHORS}) g",
        "CREATE TABLE ss_log (id serial PRIMARY KEY, author_id int NOT NULL, note text)",
    ])


def author_ids(cur):
    cur.execute("SELECT id FROM ss_authors ORDER BY id LIMIT %s", (client_args.AUTHORS,))
    return [row[0] for row in cur.fetchall()]


def set_application_name(cur):
    cur.execute("SET application_name = %s", (APPLICATION_NAME + "_set",))
    for author_id in author_ids(cur):
        cur.execute("SELECT name FROM ss_authors WHERE id = %s", (author_id,))
        cur.fetchall()


def prepare_select(cur):
    cur.execute("PREPARE author_by_id(int) AS SELECT name FROM ss_authors WHERE id = $1")
    for author_id in author_ids(cur):
        cur.execute("EXECUTE author_by_id(%s)", (author_id,))
        cur.fetchall()


def prepare_insert(cur):
    cur.execute("PREPARE log_author(int, text) AS INSERT INTO ss_log (author_id, note) VALUES ($1, $2)")
    for author_id in author_ids(cur):
        cur.execute("EXECUTE log_author(%s, %s)", (author_id, f"seen {author_id}"))


def execute_q(cur):
    for author_id in author_ids(cur):
        cur.execute("EXECUTE q(%s)", (author_id,))
        cur.fetchall()


def deallocate(cur):
    cur.execute("PREPARE q(int) AS SELECT name FROM ss_authors WHERE id = $1")
    cur.execute("DEALLOCATE q")
    cur.execute("PREPARE q(int) AS SELECT id FROM ss_log WHERE author_id = $1")
    execute_q(cur)
    cur.execute("DISCARD ALL")
    cur.execute("PREPARE q(int) AS SELECT name FROM ss_authors WHERE id = $1")
    execute_q(cur)


create_schema()
conn = psycopg2_connection.connect(PROXY_PORT, APPLICATION_NAME)
with conn.cursor() as cur:
    globals()[MODE](cur)
conn.close()
print(MODE, "done")
