// One request's lookups run at once over a node-postgres pool (Promise.all).
//   promise_all         the parent's ids, then one lookup per id, concurrently (an N+1 over the pool)
//   promise_all_unfed   the same lookups, of ids no earlier result returned (no N+1)
// Usage: node fan_out_requests.js MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME
const { AUTHORS, parse, setUp, proxyPool, run } = require('./client_args');

const POOL_SIZE = 5;  // AUTHORS lookups over 5 connections: 2 on each, under n_plus_one.min_repeats
const MODES = ['promise_all', 'promise_all_unfed'];

async function main() {
  const args = parse(MODES);
  await setUp(args, 'DROP TABLE IF EXISTS fo_authors; CREATE TABLE fo_authors (id int PRIMARY KEY, name text NOT NULL); ' +
                    `INSERT INTO fo_authors SELECT g, 'author ' || g FROM generate_series(1, ${2 * AUTHORS}) g`);

  const pool = proxyPool(args, POOL_SIZE);
  const parent = await pool.query('SELECT id FROM fo_authors ORDER BY id LIMIT $1', [AUTHORS]);
  let ids = parent.rows.map((r) => r.id);
  if (args.mode === 'promise_all_unfed') ids = ids.map((id) => id + AUTHORS);  // values the parent never returned
  const results = await Promise.all(ids.map((id) => pool.query('SELECT name FROM fo_authors WHERE id = $1', [id])));
  await pool.end();
  console.log(results.length, 'results;', results[0].rows[0].name);
}

run(main);
