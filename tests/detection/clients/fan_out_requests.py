"""One request's lookups run at once over an asyncpg pool (asyncio.gather).
  gather         the parent's ids, then one lookup per id, concurrently (an N+1 over the pool)
  gather_unfed   the same lookups, of ids no earlier result returned (no N+1)
Usage: fan_out_requests.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import asyncio

import asyncpg

import client_args

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(["gather", "gather_unfed"])
POOL_SIZE = 5  # AUTHORS lookups over 5 connections: 2 on each, under n_plus_one.min_repeats


async def create_schema():
    direct = await asyncpg.connect(host="127.0.0.1", port=DIRECT_PORT, user="postgres", database="postgres")
    await direct.execute("DROP TABLE IF EXISTS fo_authors; "
                         "CREATE TABLE fo_authors (id int PRIMARY KEY, name text NOT NULL); "
                         "INSERT INTO fo_authors SELECT g, 'author ' || g "
                         f"FROM generate_series(1, {2 * client_args.AUTHORS}) g")
    await direct.close()


async def lookup(pool, author_id):
    return await pool.fetchval("SELECT name FROM fo_authors WHERE id = $1", author_id)


async def main():
    await create_schema()
    async with asyncpg.create_pool(host="127.0.0.1", port=PROXY_PORT, user="postgres", database="postgres",
                                   min_size=POOL_SIZE, max_size=POOL_SIZE,
                                   server_settings={"application_name": APPLICATION_NAME}) as pool:
        ids = [r["id"] for r in await pool.fetch("SELECT id FROM fo_authors ORDER BY id LIMIT $1",
                                                  client_args.AUTHORS)]
        if MODE == "gather_unfed":
            ids = [i + client_args.AUTHORS for i in ids]  # values the parent never returned
        names = await asyncio.gather(*(lookup(pool, i) for i in ids))
    print(len(names), "results;", names[0])


asyncio.run(main())
