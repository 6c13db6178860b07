"""asyncpg patterns, each on one proxied connection.
  prepared_loop      conn.prepare() then fetchrow(id) once per author (N+1)
  prepared_fetch     the same loop with fetch(id): no row limit on Execute
  traced_requests    one query per request, each with its own trace id
  type_introspection values of types asyncpg must look up in pg_catalog
  binary_types       a lookup per author with a parameter of each built-in scalar type (sent in binary)
Usage: asyncpg_requests.py MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME"""
import asyncio
import datetime
import decimal
import uuid

import asyncpg

import client_args

MODE, DIRECT_PORT, PROXY_PORT, APPLICATION_NAME = client_args.parse(
    ["prepared_loop", "prepared_fetch", "traced_requests", "type_introspection", "binary_types"])
ENUM_TYPES = [f"ap_mood_{i}" for i in range(8)]


async def connect(port, application_name):
    return await asyncpg.connect(host="127.0.0.1", port=port, user="postgres",
                                 database="postgres",
                                 server_settings={"application_name": application_name})


async def create_schema():
    direct = await connect(DIRECT_PORT, APPLICATION_NAME + "_setup")
    await direct.execute("DROP TABLE IF EXISTS ap_authors; "
                         "CREATE TABLE ap_authors (id int PRIMARY KEY, name text NOT NULL); "
                         "INSERT INTO ap_authors SELECT g, 'author ' || g "
                         f"FROM generate_series(1, {client_args.AUTHORS}) g")
    for name in ENUM_TYPES:
        await direct.execute(f"DROP TYPE IF EXISTS {name}; CREATE TYPE {name} AS ENUM ('ok', 'meh')")
    await direct.close()


async def author_ids(conn):
    # The parent query: its rows hold the values the loop is called with.
    return [r["id"] for r in await conn.fetch("SELECT id FROM ap_authors ORDER BY id LIMIT $1",
                                              client_args.AUTHORS)]


async def prepared_loop(conn):
    ids = await author_ids(conn)
    stmt = await conn.prepare("SELECT name FROM ap_authors WHERE id = $1")
    return [(await stmt.fetchrow(i))["name"] for i in ids]


async def prepared_fetch(conn):
    ids = await author_ids(conn)
    stmt = await conn.prepare("SELECT name FROM ap_authors WHERE id = $1")
    return [(await stmt.fetch(i))[0]["name"] for i in ids]


async def traced_requests(conn):
    names = []
    for i in range(1, client_args.AUTHORS + 1):
        sql = "SELECT name FROM ap_authors WHERE id = $1 " + client_args.traceparent_comment(
            route="/authors/show")
        # fetch, not fetchval: its Execute has no row limit (see prepared_loop).
        names.append((await conn.fetch(sql, i))[0]["name"])
    return names


async def type_introspection(conn):
    # Each unknown enum type makes asyncpg query pg_catalog for it; after
    # reload_schema_state() it asks again about the same type.
    values = [(await conn.fetch(f"SELECT 'ok'::{name}"))[0][0] for name in ENUM_TYPES]
    for _ in range(3):
        await conn.reload_schema_state()
        values.append((await conn.fetch(f"SELECT 'meh'::{ENUM_TYPES[0]}"))[0][0])
    return values


BINARY_TYPES_SQL = ("SELECT name FROM ap_authors WHERE id = $1 AND ($2::int2, $3::int8, $4::float4, "
                    "$5::float8, $6::numeric, $7::bool, $8::text, $9::varchar, $10::uuid, $11::date, "
                    "$12::time, $13::timestamp, $14::timestamptz, $15::interval, $16::bytea) IS NOT NULL")


async def binary_types(conn):
    ids = await author_ids(conn)
    values = (-7, -9000000000, 1.5, 0.1, decimal.Decimal("-12.340"), True, "h\u00e9llo", "v",
              uuid.UUID("12345678-1234-5678-1234-567812345678"), datetime.date(2024, 2, 29),
              datetime.time(13, 14, 15, 500000), datetime.datetime(2024, 2, 29, 13, 14, 15),
              datetime.datetime(2024, 2, 29, 13, 14, 15, 250000, tzinfo=datetime.timezone.utc),
              datetime.timedelta(days=3, hours=4, seconds=5), b"\x00\xff")
    return [await conn.fetchval(BINARY_TYPES_SQL, i, *values) for i in ids]


async def main():
    await create_schema()
    conn = await connect(PROXY_PORT, APPLICATION_NAME)
    results = await globals()[MODE](conn)
    await conn.close()
    print(len(results), "results;", results[0])


asyncio.run(main())
