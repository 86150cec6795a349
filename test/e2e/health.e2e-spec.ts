import { readFileSync } from 'node:fs';
import { MIGRATIONS } from '../../migrations/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Issue 13, item 7: /healthz for load balancers, /healthz/live and /healthz/ready for operators. */
describe('health for operators', () => {
  let t: TestApp;
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

  beforeAll(async () => {
    t = await startTestApp({ config: { gitCommit: '0123abcd' } });
  });
  afterAll(() => t.close());

  it('says the process is live, with its version and commit, without any tenant', async () => {
    const res = await t.http().get('/healthz/live').set('Host', 'nobody.test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'live', version, commit: '0123abcd' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('is ready when the database answers and has every migration the code ships', async () => {
    const res = await t.http().get('/healthz/ready').set('Host', 'nobody.test');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      version,
      commit: '0123abcd',
      database: 'reachable',
      migrations: { applied: MIGRATIONS.length, shipped: MIGRATIONS.length, pending: [], unknown: [] },
    });
  });

  it('is not ready (503, Retry-After) while a shipped migration is not applied, and lists it', async () => {
    const [last] = await t.ds.query(`SELECT id, timestamp, name FROM schema_migration ORDER BY id DESC LIMIT 1`);
    await t.ds.query(`DELETE FROM schema_migration WHERE id = $1`, [last.id]);
    try {
      const res = await t.http().get('/healthz/ready');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body).toMatchObject({ status: 'not_ready', database: 'reachable', migrations: { pending: [last.name] } });
      // The load balancer's check only asks whether the database answers.
      expect((await t.http().get('/healthz')).status).toBe(200);
    } finally {
      await t.ds.query(`INSERT INTO schema_migration (id, timestamp, name) VALUES ($1, $2, $3)`, [last.id, last.timestamp, last.name]);
    }
  });

  it('stays ready when the database has a migration this code does not know (a newer instance in a rolling deploy)', async () => {
    await t.ds.query(`INSERT INTO schema_migration (timestamp, name) VALUES (1899999999999, 'Future1899999999999')`);
    try {
      const res = await t.http().get('/healthz/ready');
      expect(res.status).toBe(200);
      expect(res.body.migrations).toMatchObject({ pending: [], unknown: ['Future1899999999999'] });
    } finally {
      await t.ds.query(`DELETE FROM schema_migration WHERE name = 'Future1899999999999'`);
    }
  });
});
