"""An asyncpg session whose printed output must be the same through pgsleuth
and directly. Usage: asyncpg_session.py HOST PORT APPLICATION_NAME"""
import asyncio
import sys

import asyncpg


async def main(host, port, application_name):
    conn = await asyncpg.connect(host=host, port=port, user="postgres", database="postgres",
                                 server_settings={"application_name": application_name})
    # Bound parameters: asyncpg sends them in binary format.
    rows = await conn.fetch("SELECT $1::int AS a, $2::text AS b", 7, "seven")
    print("fetch", [tuple(r) for r in rows])
    await conn.execute("CREATE TEMP TABLE t (id int, v text)")
    await conn.executemany("INSERT INTO t VALUES ($1, $2)", [(1, "x"), (2, "y"), (3, None)])
    print("table", [tuple(r) for r in await conn.fetch("SELECT id, v FROM t ORDER BY id")])
    try:
        await conn.fetchval("SELECT 1 / $1::int", 0)
    except asyncpg.PostgresError as error:
        print("error", error.sqlstate, error)
    async with conn.transaction():
        await conn.execute("UPDATE t SET v = $1 WHERE id = $2", "z", 3)
        print("in transaction", await conn.fetchval("SELECT count(*) FROM t WHERE v IS NOT NULL"))
    stmt = await conn.prepare("SELECT g FROM generate_series(1, $1::int) g")
    print("prepared", [r[0] for r in await stmt.fetch(4)], [r[0] for r in await stmt.fetch(2)])
    await conn.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
