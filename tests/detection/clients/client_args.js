// What the node detection clients share (client_args.py is the Python
// clients'): the command line MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME,
// setup on PostgreSQL itself so that pgsleuth sees only the workload under
// test, a pool through pgsleuth, and how a client's main ends.
// (pg comes from scripts/install-deps.sh: npm ci in this directory).
const path = require('path');
const { Client, Pool } = require('pg');

const AUTHORS = 10;  // client_args.py AUTHORS

// The command line, or the usage on stderr and exit status 2.
function parse(modes) {
  const [mode, directPort, proxyPort, applicationName] = process.argv.slice(2);
  if (!modes.includes(mode) || !applicationName) {
    const script = path.basename(process.argv[1]);
    console.error(`usage: ${script} {${modes.join('|')}} DIRECT_PORT PROXY_PORT APPLICATION_NAME`);
    process.exit(2);
  }
  return { mode, directPort: Number(directPort), proxyPort: Number(proxyPort), applicationName };
}

async function setUp(args, sql) {
  const direct = new Client({ host: '127.0.0.1', port: args.directPort, user: 'postgres', database: 'postgres' });
  await direct.connect();
  await direct.query(sql);
  await direct.end();
}

function proxyPool(args, max) {
  return new Pool({ host: '127.0.0.1', port: args.proxyPort, user: 'postgres', database: 'postgres',
                    max, application_name: args.applicationName });
}

// Runs `main`; an error is printed and ends the client with exit status 1.
function run(main) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { AUTHORS, parse, setUp, proxyPool, run };
