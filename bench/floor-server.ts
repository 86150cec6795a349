/**
 * The floors the app is compared with, in the same run: a bare Node http server that answers
 * "hello", or one PostgreSQL query rendered to HTML, or one INSERT per request, or the "minimal correct
 * contribution": by hand, with bare `pg` and named (prepared) statements, what a contribution must do,
 * in one transaction — the idempotency key's lock and look-up, the campaign and its rules, the INSERT,
 * and the match budget's atomic decrement with its allocation when the programme matches.
 * Usage: node dist/bench/floor-server.js <hello|query|insert|contribution> <port> [databaseUrl]
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

const [mode, portArg, url] = process.argv.slice(2);
const pool = url ? new pg.Pool({ connectionString: url, max: 10 }) : undefined;
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const UUID = /^\/api\/campaigns\/([0-9a-f-]{36})\/contributions$/;

/** The bench programme's budget (the contribution floor's match), found at start. */
let programme: { id: string; tenant_id: string; budget_id: string } | undefined;

async function contribution(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const campaignId = UUID.exec(req.url ?? '')?.[1];
  const key = req.headers['idempotency-key'];
  let body: { amountCents?: number; email?: string; displayName?: string };
  try {
    body = JSON.parse(raw);
  } catch {
    body = {};
  }
  if (!campaignId || typeof key !== 'string' || !Number.isSafeInteger(body.amountCents) || typeof body.email !== 'string') {
    res.writeHead(400).end();
    return;
  }
  const p = programme!;
  const client = await pool!.connect();
  try {
    await client.query('BEGIN');
    await client.query({ name: 'lock', text: 'SELECT pg_advisory_xact_lock(hashtext($1))', values: [`contribution:${p.tenant_id}:${key}`] });
    const existing = await client.query({
      name: 'by-key',
      text: 'SELECT id FROM contribution WHERE tenant_id = $1 AND idempotency_key = $2',
      values: [p.tenant_id, key],
    });
    if (existing.rows.length) {
      await client.query('COMMIT');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: existing.rows[0].id }));
      return;
    }
    const {
      rows: [c],
    } = await client.query({
      name: 'context',
      text: `SELECT c.status, p.phase, s.match_factor_percent, s.match_cap_per_contribution_cents FROM campaign c
               JOIN programme p ON p.id = c.programme_id AND p.tenant_id = c.tenant_id
               LEFT JOIN campaign_settings s ON s.programme_id = c.programme_id AND s.tenant_id = c.tenant_id
              WHERE c.id = $1 AND c.tenant_id = $2`,
      values: [campaignId, p.tenant_id],
    });
    if (!c || c.status !== 'live' || c.phase !== 'campaign') {
      await client.query('ROLLBACK');
      res.writeHead(c ? 409 : 404).end();
      return;
    }
    const factor = Number(c.match_factor_percent ?? 0);
    const cap = c.match_cap_per_contribution_cents === null ? Infinity : Number(c.match_cap_per_contribution_cents);
    const matched = Math.min(Math.floor((body.amountCents! * factor) / 100), cap);
    const id = randomUUID();
    await client.query({
      name: 'insert',
      text: `INSERT INTO contribution (id, tenant_id, programme_id, campaign_id, amount_cents, matched_cents, email, email_key, display_name, provider,
                                       idempotency_key, request_hash, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, lower($7), $8, 'webhook', $9, $10, now() + interval '72 hours')`,
      values: [
        id,
        p.tenant_id,
        p.id,
        campaignId,
        body.amountCents,
        matched,
        body.email,
        body.displayName ?? null,
        key,
        createHash('sha256').update(`${campaignId}\n${raw}`).digest('hex'),
      ],
    });
    if (matched > 0) {
      await client.query({
        name: 'allocate',
        text: `INSERT INTO match_allocation (tenant_id, campaign_id, budget_id, contribution_id, kind, amount_cents) VALUES ($1, $2, $3, $4, 'ratio', $5)`,
        values: [p.tenant_id, campaignId, p.budget_id, id, matched],
      });
      const taken = await client.query({
        name: 'take',
        // The app's own atomic take from the budget's stripe (refilled from the pool when short).
        text: 'SELECT match_budget_take($1, $2) AS taken',
        values: [p.budget_id, matched],
      });
      if (!taken.rows[0].taken) throw new Error('budget spent');
    }
    await client.query('COMMIT');
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id, matchedCents: matched }));
  } catch {
    await client.query('ROLLBACK').catch(() => {});
    res.writeHead(500).end();
  } finally {
    client.release();
  }
}

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
  if (mode === 'contribution') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void contribution(req, res, Buffer.concat(chunks).toString('utf8')));
    return;
  }
  pool!.query('INSERT INTO bench_floor (note) VALUES ($1)', ['x']).then(
    () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'),
    () => res.writeHead(500).end(),
  );
});

async function start(): Promise<void> {
  if (mode === 'contribution') {
    const { rows } = await pool!.query(
      `SELECT p.id, p.tenant_id, b.id AS budget_id FROM programme p JOIN match_budget b ON b.programme_id = p.id AND b.kind = 'ratio'
        WHERE p.slug = 'bench-campaigns' ORDER BY b.id LIMIT 1`,
    );
    programme = rows[0];
  }
  server.listen(Number(portArg), '127.0.0.1', () => process.send?.('ready'));
}
void start();
process.on('SIGTERM', () => server.close(() => pool?.end().then(() => process.exit(0)) ?? process.exit(0)));
