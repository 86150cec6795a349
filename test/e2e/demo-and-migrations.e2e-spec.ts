import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { runMigrations } from '../../src/database/migrate.js';
import { startTestApp } from '../setup/test-app.js';

describe('start-up', () => {
  it('runs the migrations once when two instances start together on an empty database', async () => {
    const admin = new pg.Client({ connectionString: process.env.TREMPLIN_TEST_ADMIN_URL });
    await admin.connect();
    const name = `m_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.TREMPLIN_TEST_ADMIN_URL!);
    url.pathname = `/${name}`;
    const [a, b] = await Promise.all([runMigrations(url.toString()), runMigrations(url.toString())]);
    expect([...a, ...b]).toHaveLength(MIGRATIONS.length);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM schema_migration')).rows[0].n).toBe(MIGRATIONS.length);
    await client.end();
  });

  it('seeds the demo once, even from two instances at once, and prints working sign-in links per role', async () => {
    const one = await startTestApp();
    const two = await startTestApp({ databaseUrl: one.databaseUrl, clock: one.clock });
    try {
      const lines: string[] = [];
      const [linksA, linksB] = await Promise.all([
        seedDemo(one.app, 'http://localhost:3000', (m) => lines.push(m)),
        seedDemo(two.app, 'http://localhost:3000', (m) => lines.push(m)),
      ]);
      expect(Object.keys(linksA).sort()).toEqual(['authority staff', 'coach', 'juror', 'laureate', 'partner']);
      expect(Object.keys(linksB)).toHaveLength(5);
      expect((await one.ds.query(`SELECT count(*)::int AS n FROM tenant WHERE slug = 'demo'`))[0].n).toBe(1);
      expect((await one.ds.query(`SELECT count(*)::int AS n FROM programme`))[0].n).toBe(1);

      // The demo programme's call is open (its instant passed at seeding) and shown on the home page.
      const home = await one.http().get('/').set('Host', 'localhost:3000').set('Accept', 'text/html');
      expect(home.status).toBe(200);
      expect(home.text).toContain('Makers 2026 : économie circulaire');
      expect(home.text).toContain('Appel à projets ouvert');

      // A juror following their link lands on their space, which leads to the portal of each programme in its jury phase.
      const { seedDemoJury } = await import('../../src/database/demo-jury-seed.js');
      await seedDemoJury(one.app, () => {});
      const browser = one.http();
      const jurorToken = linksA.juror.split('/').pop();
      const confirm = await browser.get(`/sign-in/link/${jurorToken}`).set('Host', 'localhost').set('Accept', 'text/html');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.text)![1];
      const landed = await browser.post(`/sign-in/link/${jurorToken}`).set('Host', 'localhost').type('form').send({ _csrf: csrf });
      expect(landed.headers.location).toBe('/me');
      const me = await browser.get('/me').set('Host', 'localhost').set('Accept', 'text/html');
      expect(me.text).toMatch(/href="\/jury\/programmes\/[0-9a-f-]{36}"/);

      const token = linksA['authority staff'].split('/').pop();
      const consumed = await one.http().post('/api/auth/sign-in-links/consume').set('Host', 'localhost').send({ token });
      expect(consumed.status).toBe(201);
      const meApi = await one
        .http()
        .get('/api/me')
        .set({ Host: 'localhost', Authorization: `Bearer ${consumed.body.token}` });
      expect(meApi.body.roles.sort()).toEqual(['platform_admin', 'staff']);

      // The demo call has advisory rules, and one submitted application that fails them waits on the desk.
      const staffApi = { Host: 'localhost', Authorization: `Bearer ${consumed.body.token}` };
      const [makers] = await one.ds.query(`SELECT id FROM programme WHERE slug = 'makers-2026'`);
      const call = (await one.http().get(`/api/programmes/${makers.id}/call`).set(staffApi)).body;
      expect(call.ruleModes).toEqual({ territory: 'advisory' });
      expect(call.rules).toEqual([expect.objectContaining({ field: 'answers.team_size', operator: 'at_least', mode: 'advisory' })]);
      const listed = (await one.http().get(`/api/programmes/${makers.id}/applications?eligibility=fails`).set(staffApi)).body;
      expect(listed.items.map((a: { title: string; status: string }) => [a.title, a.status])).toEqual([['Ressourcerie mobile', 'submitted']]);
      const failed = listed.items[0].rules.filter((r: { passed: boolean }) => !r.passed);
      expect(failed.map((r: { mode: string; rule: string }) => [r.rule, r.mode])).toEqual([
        ['territory', 'advisory'],
        ['question', 'advisory'],
      ]);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
