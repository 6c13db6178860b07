// node-postgres pages served back to back on one pooled connection (Pool
// max 1), 0-5 ms apart, no transaction: only timing and shape tell the
// requests apart.
//   clean   six pages loading the books, then their authors in one query (= ANY($1));
//           timing alone tells these pages apart (see requests_detection_test.cpp)
//   lazy    six pages loading each book's author on its own (an N+1 of AUTHORS per page)
// Usage: node node_pages.js MODE DIRECT_PORT PROXY_PORT APPLICATION_NAME
const { AUTHORS, parse, setUp, proxyPool, run } = require('./client_args');

const MODES = ['clean', 'lazy'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A fixed sequence of pauses between pages, 1-5 ms: under 1 ms of quiet
// two pages are one request by the splitter's floor (the Python clients'
// ORMs spend more than that between pages on their own).
function pauses() {
  let x = 13;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 1 + (x / 2147483648) * 4;
  };
}

async function main() {
  const args = parse(MODES);
  await setUp(args, 'DROP TABLE IF EXISTS np_books, np_authors; ' +
                    'CREATE TABLE np_authors (id int PRIMARY KEY, name text NOT NULL); ' +
                    'CREATE TABLE np_books (id int PRIMARY KEY, title text NOT NULL, author_id int NOT NULL REFERENCES np_authors); ' +
                    `INSERT INTO np_authors SELECT g, 'author ' || g FROM generate_series(1, ${AUTHORS}) g; ` +
                    'INSERT INTO np_books SELECT id, \'book \' || id, id FROM np_authors');

  const pool = proxyPool(args, 1);
  const pause = pauses();
  for (let page = 0; page < 6; page++) {
    const books = (await pool.query('SELECT id, title, author_id FROM np_books ORDER BY id LIMIT $1', [AUTHORS])).rows;
    let names;
    if (args.mode === 'clean') {
      const authors = await pool.query('SELECT id, name FROM np_authors WHERE id = ANY($1)', [books.map((b) => b.author_id)]);
      const byId = new Map(authors.rows.map((a) => [a.id, a.name]));
      names = books.map((b) => byId.get(b.author_id));
    } else {
      names = [];
      for (const b of books) names.push((await pool.query('SELECT name FROM np_authors WHERE id = $1', [b.author_id])).rows[0].name);
    }
    console.log(names.length, 'books');
    await sleep(pause());
  }
  await pool.end();
}

run(main);
