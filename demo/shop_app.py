"""A small shop backend with the mistakes pgsleuth is built to find.

Each "request" is tagged with a sqlcommenter traceparent, as an app with
OpenTelemetry and sqlcommenter would send, so pgsleuth groups its
statements exactly. Run through pgsleuth: DATABASE_URL points at the proxy.
"""
import contextlib
import os
import secrets
import sys

import psycopg2


def comment(trace_id, route):
    span = secrets.token_hex(8)
    return f"/*route='{route}',traceparent='00-{trace_id}-{span}-01'*/"


@contextlib.contextmanager
def request(conn, route):
    """One request of `route`: a cursor and the sqlcommenter comment of a new
    trace for its statements; the request's transaction commits at the end."""
    with conn.cursor() as cur:
        yield cur, comment(secrets.token_hex(16), route)
    conn.commit()


def setup(conn):
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS books, authors, page_views, settings")
        cur.execute("CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL)")
        cur.execute("CREATE TABLE books (id int PRIMARY KEY, title text NOT NULL, "
                    "author_id int NOT NULL REFERENCES authors(id))")
        cur.execute("CREATE TABLE page_views (id serial PRIMARY KEY, path text, at timestamptz DEFAULT now())")
        cur.execute("CREATE TABLE settings (key text PRIMARY KEY, value text)")
        cur.execute("INSERT INTO authors SELECT g, 'Author ' || g FROM generate_series(1, 20) g")
        cur.execute("INSERT INTO books SELECT g, 'Book ' || g, 1 + g % 20 FROM generate_series(1, 40) g")
        cur.execute("INSERT INTO page_views (path) SELECT '/p/' || g FROM generate_series(1, 2500) g")
        cur.execute("INSERT INTO settings VALUES ('currency', 'EUR')")
    conn.commit()


def list_books(conn):
    """GET /books: one query for the books, then one per book for its author."""
    with request(conn, "books#index") as (cur, c):
        cur.execute(f"SELECT id, title, author_id FROM books ORDER BY id LIMIT 12 {c}")
        books = cur.fetchall()
        for _, _, author_id in books:
            # The N+1: the ORM's lazy foreign key, one round trip per row.
            cur.execute(f"SELECT id, name FROM authors WHERE id = %s {c}", (author_id,))
            cur.fetchone()
        # The duplicate: the same setting read twice in one request.
        for _ in range(2):
            cur.execute(f"SELECT value FROM settings WHERE key = %s {c}", ("currency",))
            cur.fetchone()


def report_views(conn):
    """GET /admin/views: reads a whole table to count rows in Python."""
    with request(conn, "admin#views") as (cur, c):
        cur.execute(f"SELECT * FROM page_views {c}")
        print(f"app: {len(cur.fetchall())} page views", file=sys.stderr)


def main():
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = False
    setup(conn)
    list_books(conn)
    report_views(conn)
    conn.close()


if __name__ == "__main__":
    main()
