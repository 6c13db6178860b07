"""A psycopg2 session whose printed output must be the same through pgsleuth
and directly. Usage: psycopg2_session.py CONNINFO APPLICATION_NAME"""
import sys

import psycopg2


def main(conninfo, application_name):
    conn = psycopg2.connect(conninfo, application_name=application_name)
    conn.notices.clear()
    cur = conn.cursor()
    cur.execute("CREATE TEMP TABLE items (id int PRIMARY KEY, name text, price numeric)")
    cur.executemany("INSERT INTO items VALUES (%s, %s, %s)",
                    [(i, "item %d" % i, i * 1.5) for i in range(1, 6)])
    # psycopg2 inlines parameters client-side: the server sees a literal.
    cur.execute("SELECT %s::int + 1 AS answer", (41,))
    print("answer", cur.fetchall())
    cur.execute("SELECT id, name, price FROM items WHERE id > %s ORDER BY id", (2,))
    print("columns", [d.name for d in cur.description])
    print("rows", cur.fetchall(), cur.rowcount)
    try:
        cur.execute("SELECT 1/0")
    except psycopg2.Error as error:
        print("error", error.pgcode, error.pgerror.strip())
        conn.rollback()
    cur.execute("DO $$ BEGIN RAISE NOTICE 'psycopg2 notice %', 7; END $$")
    print("notices", [n.strip() for n in conn.notices])
    cur.execute("SELECT 'it''s', NULL::int, ARRAY[1,2], '{\"k\": [1]}'::jsonb")
    print("values", cur.fetchone())
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
