"""Statements for the index advisor to explain, through pgsleuth, against
the tables advisor_detection_test.cpp creates (adv_orders: 200,000 rows,
only its primary key; adv_orders_indexed: the same with an index on
customer_id; adv_small: 1,000 rows; adv_customers: 50 rows).
  hypo      psycopg2 on database adv_hypo (HypoPG installed), one request per
            scenario: the indexed twin's loop, the small table's loop, an N+1 on
            adv_orders.customer_id under its parent, two equalities and a range,
            ORDER BY .. LIMIT, a join to a few customers, and the twin's index
            with a filter on another column
  asyncpg   asyncpg on adv_hypo: a loop with binary int4 and timestamptz parameters
  plain     psycopg2 on database adv_plain (no HypoPG): the N+1
  n_plus_one psycopg2 on adv_hypo: the N+1; prints each result
  slow_plan psycopg2 on adv_hypo: a 60-way self-join of adv_small, milliseconds to plan
Usage: advisor_workload.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import asyncio
import datetime
import time

import client_args

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(["hypo", "asyncpg", "plain", "n_plus_one",
                                                                      "slow_plan"])
LOOP = 12
# More than window.idle_gap_ms (1000 in kBaseConfig): each scenario is its own request.
BETWEEN_REQUESTS_S = 1.6


def psycopg2_cursor(database):
    import psycopg2_connection
    conn = psycopg2_connection.connect(PROXY_PORT, APPLICATION_NAME, dbname=database)
    return conn, conn.cursor()


def n_plus_one(cur):
    cur.execute("SELECT id FROM adv_customers ORDER BY id LIMIT %s", (LOOP,))
    rows = []
    for (customer,) in cur.fetchall():
        cur.execute("SELECT id, total FROM adv_orders WHERE customer_id = %s ORDER BY id", (customer,))
        rows.append(cur.fetchall())
    return rows


def hypo():
    conn, cur = psycopg2_cursor("adv_hypo")
    scenarios = [
        lambda: [cur.execute("SELECT id, total FROM adv_orders_indexed WHERE customer_id = %s", (c,))
                 for c in range(LOOP)],
        lambda: [cur.execute("SELECT id FROM adv_small WHERE customer_id = %s", (c,)) for c in range(LOOP)],
        lambda: n_plus_one(cur),
        lambda: cur.execute("SELECT id FROM adv_orders WHERE status = %s AND region = %s AND created_at > %s",
                            ("paid", 3, datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))),
        lambda: cur.execute("SELECT id, created_at FROM adv_orders ORDER BY created_at DESC LIMIT 10"),
        lambda: cur.execute("SELECT c.id, o.total FROM adv_customers c JOIN adv_orders o ON o.customer_id = c.id "
                            "WHERE c.id < %s", (3,)),
        lambda: [cur.execute("SELECT id FROM adv_orders_indexed WHERE customer_id = %s AND region = %s", (c, 3))
                 for c in range(LOOP)],
    ]
    for run in scenarios:
        run()
        time.sleep(BETWEEN_REQUESTS_S)
    conn.close()


async def binary_loop():
    import asyncpg
    conn = await asyncpg.connect(host="127.0.0.1", port=PROXY_PORT, user="postgres", database="adv_hypo",
                                 server_settings={"application_name": APPLICATION_NAME})
    since = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
    for region in range(LOOP):
        await conn.fetch("SELECT id FROM adv_orders WHERE region = $1 AND created_at > $2", region, since)
    await conn.close()


def slow_plan():
    joins = "".join(f" JOIN adv_small a{i} ON a{i}.id = a{i - 1}.customer_id" for i in range(2, 61))
    conn, cur = psycopg2_cursor("adv_hypo")
    cur.execute(f"SELECT a1.id FROM adv_small a1{joins} WHERE a1.customer_id = %s", (5,))
    print(len(cur.fetchall()))
    conn.close()


if MODE == "hypo":
    hypo()
elif MODE == "slow_plan":
    slow_plan()
elif MODE == "asyncpg":
    asyncio.run(binary_loop())
else:
    conn, cur = psycopg2_cursor("adv_plain" if MODE == "plain" else "adv_hypo")
    for rows in n_plus_one(cur):
        print(rows)
    conn.close()
