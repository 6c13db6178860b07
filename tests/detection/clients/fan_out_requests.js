// One request's lookups run at once over a node-postgres pool (Promise.all).
//   promise_all         the parent's ids, then one lookup per id, concurrently (an N+1 over the pool)
//   promise_all_unfed   the same lookups, of ids no earlier result returned (no N+1)
// Usage: node fan_out_requests.js MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME
// (pg comes from scripts/install-deps.sh: npm ci in this directory).
const { Client, Pool } = require('pg');

const AUTHORS = 10;   // client_args.py AUTHORS
const POOL_SIZE = 5;  // AUTHORS lookups over 5 connections: 2 on each, under n_plus_one.min_repeats
const MODES = ['promise_all', 'promise_all_unfed'];

async function main() {
  const [mode, directPort, proxyPort, applicationName] = process.argv.slice(2);
  if (!MODES.includes(mode) || !applicationName) {
    console.error(`usage: fan_out_requests.js {${MODES.join('|')}} DIRECT_PORT PROXY_PORT APPLICATION_NAME`);
    process.exit(2);
  }
  const direct = new Client({ host: '127.0.0.1', port: Number(directPort), user: 'postgres', database: 'postgres' });
  await direct.connect();
  await direct.query('DROP TABLE IF EXISTS fo_authors; CREATE TABLE fo_authors (id int PRIMARY KEY, name text NOT NULL); ' +
                     `INSERT INTO fo_authors SELECT g, 'author ' || g FROM generate_series(1, ${2 * AUTHORS}) g`);
  await direct.end();

  const pool = new Pool({ host: '127.0.0.1', port: Number(proxyPort), user: 'postgres', database: 'postgres',
                          max: POOL_SIZE, application_name: applicationName });
  const parent = await pool.query('SELECT id FROM fo_authors ORDER BY id LIMIT $1', [AUTHORS]);
  let ids = parent.rows.map((r) => r.id);
  if (mode === 'promise_all_unfed') ids = ids.map((id) => id + AUTHORS);  // values the parent never returned
  const results = await Promise.all(ids.map((id) => pool.query('SELECT name FROM fo_authors WHERE id = $1', [id])));
  await pool.end();
  console.log(results.length, 'results;', results[0].rows[0].name);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
