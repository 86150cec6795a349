import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { createTenant, type TestTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Finding 8 of the security review: while PostgreSQL is down, answers must say "come back" (503 with
 * Retry-After and SERVICE_UNAVAILABLE), never look like a bug (500 INTERNAL), pages included — even
 * when the tenant itself cannot be looked up. This test has its own PostgreSQL, which it stops and
 * starts again (the shared one serves the other test files).
 */
describe('database outage', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let t: TestApp;
  let cached: TestTenant;
  let unresolved: TestTenant;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tremplin-outage-'));
    db = await startEmbeddedPostgres(dir, { persistent: true, log: () => {}, database: 'outage' });
    await runMigrations(db.url);
    t = await startTestApp({ databaseUrl: db.url });
    cached = await createTenant(t, { defaultLocale: 'en' });
    unresolved = await createTenant(t, { defaultLocale: 'en' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectUnavailable = (res: { status: number; headers: Record<string, string>; body: { code?: string } }) => {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
  };

  it('answers 503 with Retry-After while PostgreSQL is down, and 200 again once it is back', async () => {
    const http = t.http();
    // The first tenant is looked up now, so its host is in the per-instance cache when the database stops.
    expect((await http.get('/api/programmes').set('Host', cached.host)).status).toBe(200);
    await db.stop();

    const health = await http.get('/healthz');
    expectUnavailable(health);
    expect(health.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(health.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, reason: 'database' });
    // Operators' checks: the process is alive, it is not ready.
    expect((await http.get('/healthz/live')).status).toBe(200);
    const ready = await http.get('/healthz/ready');
    expectUnavailable(ready);
    expect(ready.body).toMatchObject({ status: 'not_ready', database: 'unreachable' });

    // API, tenant known from the cache: the route's own query fails.
    const api = await http.get('/api/programmes').set('Host', cached.host);
    expectUnavailable(api);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 30 });
    expect(api.body.detail).toBe('The service is briefly unavailable. Please try again in a minute.');

    // API, tenant not resolvable (its look-up is what fails).
    const unknown = await http.get('/api/programmes').set('Host', unresolved.host).set('Accept-Language', 'fr-FR,fr;q=0.9');
    expectUnavailable(unknown);
    expect(unknown.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(unknown.body.detail).toBe('Le service est momentanément indisponible. Réessayez dans une minute.');

    // A contribution, the request the finding was about.
    const contribution = await http
      .post(`/api/campaigns/${randomUUID()}/contributions`)
      .set('Host', cached.host)
      .set('Idempotency-Key', randomUUID())
      .send({ amountCents: 2_500, email: 'ada@example.org' });
    expectUnavailable(contribution);
    expect(contribution.body.code).toBe('SERVICE_UNAVAILABLE');

    // A page of a known tenant: its layout, in its language.
    const page = await http.get('/').set('Host', cached.host).set('Accept', 'text/html');
    expectUnavailable(page);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Please try again in a minute.');
    expect(page.text).toContain(cached.tenant.name);

    // A page whose tenant cannot be looked up: a plain page in the visitor's language (Accept-Language, then the cookie).
    const bare = await http
      .get('/programmes/anything')
      .set('Host', unresolved.host)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'fr-CH, fr;q=0.9, en;q=0.8');
    expectUnavailable(bare);
    expect(bare.headers['content-type']).toMatch(/text\/html/);
    expect(bare.text).toContain('<html lang="fr">');
    expect(bare.text).toContain('Réessayez dans une minute.');
    expect(bare.text).not.toContain('INTERNAL');
    const byCookie = await http.get('/').set('Host', unresolved.host).set('Accept', 'text/html').set('Accept-Language', 'fr').set('Cookie', 'tremplin_lang=en');
    expectUnavailable(byCookie);
    expect(byCookie.text).toContain('Please try again in a minute.');
    const prefixed = await http.get(`/t/${unresolved.tenant.slug}/`).set('Accept', 'text/html');
    expectUnavailable(prefixed);
    expect(prefixed.text).toContain(`href="/t/${unresolved.tenant.slug}/"`);

    // PostgreSQL back: the pool reconnects by itself.
    db = await startEmbeddedPostgres(dir, { persistent: true, log: () => {}, database: 'outage' });
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await http.get('/healthz')).status) !== 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
    expect((await http.get('/healthz/ready')).body.status).toBe('ready');
    expect((await http.get('/api/programmes').set('Host', unresolved.host)).status).toBe(200);
    expect((await http.get('/').set('Host', unresolved.host).set('Accept', 'text/html')).status).toBe(200);
  }, 60_000);
});
