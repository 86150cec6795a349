/**
 * The floor the app is compared with, in the same run: a bare Node http server that answers
 * "hello", or one PostgreSQL query rendered to HTML, or one INSERT per request.
 * Usage: node dist/bench/floor-server.js <hello|query|insert> <port> [databaseUrl]
 */
import { createServer } from 'node:http';
import pg from 'pg';

const [mode, portArg, url] = process.argv.slice(2);
const pool = url ? new pg.Pool({ connectionString: url, max: 10 }) : undefined;
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const server = createServer((req, res) => {
  if (mode === 'hello') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    return;
  }
  if (mode === 'query') {
    pool!
      .query(
        `SELECT p.title->>'fr' AS title_fr, p.phase, count(a.id)::int AS n FROM programme p LEFT JOIN application a ON a.programme_id = p.id
                 GROUP BY p.id ORDER BY p.created_at`,
      )
      .then(
        (r) => {
          res.writeHead(200, { 'content-type': 'text/html' }).end(`<ul>${r.rows.map((x) => `<li>${escape(x.title_fr)} ${x.phase} ${x.n}</li>`).join('')}</ul>`);
        },
        () => res.writeHead(500).end(),
      );
    return;
  }
  pool!.query('INSERT INTO bench_floor (note) VALUES ($1)', ['x']).then(
    () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'),
    () => res.writeHead(500).end(),
  );
});
server.listen(Number(portArg), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => pool?.end().then(() => process.exit(0)) ?? process.exit(0)));
