"""psycopg2 (simple protocol, values inlined) running one database
anti-pattern, or a clean counterpart, through pgsleuth.
Usage: psycopg2_patterns.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME
Prints what the test compares against (a trace id, counts) on stdout."""
import secrets
import time

import psycopg2
import psycopg2.extras

import client_args
import psycopg2_connection

MODES = ["duplicate", "reread_after_update", "traceparent_two_connections",
         "traceparent_leading_comment", "unbounded", "bounded", "batched",
         "slow", "budget", "unbatched", "churn", "summary"]
MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(MODES)
BIG_ROWS = 1500
BUDGET_SELECTS = 25
UNBATCHED_INSERTS = 10
CHURN_CONNECTIONS = 8
AUTHOR_BY_ID = "SELECT id, name FROM pp_authors WHERE id = %s"


def connect():
    return psycopg2_connection.connect(PROXY_PORT, APPLICATION_NAME)


def create_schema():
    psycopg2_connection.set_up(DIRECT_PORT, APPLICATION_NAME, [
        "DROP TABLE IF EXISTS pp_authors, pp_big, pp_log",
        "CREATE TABLE pp_authors (id int PRIMARY KEY, name text NOT NULL)",
        f"INSERT INTO pp_authors SELECT g, 'author ' || g FROM generate_series(1, {client_args.AUTHORS}) g",
        "CREATE TABLE pp_big (id int PRIMARY KEY, payload text NOT NULL)",
        f"INSERT INTO pp_big SELECT g, md5(g::text) FROM generate_series(1, {BIG_ROWS}) g",
        "CREATE TABLE pp_log (id serial PRIMARY KEY, n int NOT NULL)",
    ])


def fetch(cur, sql, params=None):
    cur.execute(sql, params)
    return cur.fetchall()


def traced(trace_id, **tags):
    # psycopg2 formats %-placeholders: the comment's URL-encoding needs %%.
    return client_args.traceparent_comment(trace_id, **tags).replace("%", "%%")


def duplicate(cur):
    # One transaction: one window. Outside one, the same read again after a
    # pause of over a millisecond (a sanitizer build on a busy machine) is the
    # next one-statement request by the connection's timing, as it should be.
    cur.connection.autocommit = False
    rows = [fetch(cur, AUTHOR_BY_ID, (3,)) for _ in range(2)]
    cur.connection.commit()
    return rows


def reread_after_update(cur):
    # One traced request: untraced, a pause of over a millisecond before the
    # second read (a busy CI machine) makes it the next request by the
    # connection's timing, and the window under test would not be one.
    # request_boundary_test covers that timing rule itself.
    comment = traced(secrets.token_hex(16), route="/authors/rename")
    before = fetch(cur, AUTHOR_BY_ID + " " + comment, (3,))
    cur.execute("UPDATE pp_authors SET name = %s WHERE id = %s " + comment, ("renamed", 3))
    return [before, fetch(cur, AUTHOR_BY_ID + " " + comment, (3,))]


def traceparent_two_connections(cur):
    # One request served by two connections (a pool handing out two): three
    # author lookups on each, all under the same trace id.
    trace_id = secrets.token_hex(16)
    other = connect()
    cursors = [cur, other.cursor()]
    for author_id in range(1, 7):
        comment = traced(trace_id, route="/books/42")
        fetch(cursors[author_id % 2], AUTHOR_BY_ID + " " + comment, (author_id,))
    other.close()
    return trace_id


def traceparent_leading_comment(cur):
    # Rails-style tags, the comment in front of the statement.
    trace_id = secrets.token_hex(16)
    for author_id in range(1, 7):
        fetch(cur, traced(trace_id, controller="books", action="show") + " " + AUTHOR_BY_ID,
              (author_id,))
    return trace_id


def unbounded(cur):
    return len(fetch(cur, "SELECT id, payload FROM pp_big ORDER BY id"))


def bounded(cur):
    # As many rows, but the statement itself has a LIMIT.
    return len(fetch(cur, f"SELECT id, payload FROM pp_big ORDER BY id LIMIT {BIG_ROWS}"))


def slow(cur):
    return fetch(cur, "SELECT pg_sleep(0.3)")


def budget(cur):
    cur.connection.autocommit = False  # one transaction: one window
    rows = [fetch(cur, AUTHOR_BY_ID, (i % client_args.AUTHORS + 1,)) for i in range(BUDGET_SELECTS)]
    cur.connection.commit()
    return len(rows)


def unbatched(cur):
    cur.connection.autocommit = False
    for n in range(UNBATCHED_INSERTS):
        cur.execute("INSERT INTO pp_log (n) VALUES (%s)", (n,))
    cur.connection.commit()
    return UNBATCHED_INSERTS


def batched(cur):
    cur.connection.autocommit = False
    psycopg2.extras.execute_values(cur, "INSERT INTO pp_log (n) VALUES %s",
                                   [(n,) for n in range(UNBATCHED_INSERTS)])
    cur.connection.commit()
    return UNBATCHED_INSERTS


def churn(cur):
    # A new connection per request, each closed at once.
    for _ in range(CHURN_CONNECTIONS):
        conn = connect()
        with conn.cursor() as short:
            fetch(short, "SELECT 1")
        conn.close()
        time.sleep(0.02)
    return CHURN_CONNECTIONS


def summary(cur):
    cur.connection.autocommit = False
    names = [fetch(cur, AUTHOR_BY_ID, (i,)) for i in (1, 2)]
    count = fetch(cur, "SELECT count(*) FROM pp_authors")
    cur.connection.commit()
    return [names, count]


create_schema()
# Not `with main_conn:`, which would open a transaction block even in autocommit.
main_conn = connect()
try:
    print(globals()[MODE](main_conn.cursor()))
finally:
    main_conn.close()
