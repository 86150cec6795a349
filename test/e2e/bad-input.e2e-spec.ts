import fc from 'fast-check';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** Whatever JSON arrives, the answer is never a 500, and every refusal is problem+json. */
describe('bad input', () => {
  let t: TestApp;
  const routes: Array<{ method: 'post' | 'put' | 'patch'; path: string; headers: Record<string, string> }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const maker = await createPerson(t, city, null);
    const p = await createProgramme(t, city, staff, { phase: 'call_open' });
    await createCall(t, city, staff, p.id);
    const app = (await t.http().post(`/api/programmes/${p.id}/applications`).set(maker.headers).send({})).body.id;
    routes.push(
      { method: 'post', path: '/api/programmes', headers: staff.headers },
      { method: 'put', path: `/api/programmes/${p.id}/timeline`, headers: staff.headers },
      { method: 'post', path: `/api/programmes/${p.id}/transitions`, headers: staff.headers },
      { method: 'put', path: `/api/programmes/${p.id}/call`, headers: staff.headers },
      { method: 'patch', path: `/api/applications/${app}`, headers: maker.headers },
      { method: 'post', path: `/api/applications/${app}/decision`, headers: staff.headers },
      { method: 'post', path: `/api/applications/${app}/correction`, headers: staff.headers },
      { method: 'patch', path: '/api/tenant/branding', headers: staff.headers },
      { method: 'post', path: '/api/people', headers: staff.headers },
      { method: 'post', path: '/api/auth/sign-in-links', headers: { Host: city.host } },
      { method: 'post', path: '/api/auth/tokens', headers: { Host: city.host } },
    );
  });
  afterAll(() => t.close());

  it('answers 4xx problem+json, never 500, to random JSON bodies on every write route', async () => {
    for (const route of routes) {
      await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await t.http()[route.method](route.path).set(route.headers).set('Content-Type', 'application/json').send(JSON.stringify(body));
        if (res.status >= 500) throw new Error(`${route.method} ${route.path} ${JSON.stringify(body)} -> ${res.status}`);
        if (res.status >= 400) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }), { numRuns: 25 });
    }
  });

  it('answers 4xx to random strings as ids and query values', async () => {
    const staff = routes[0].headers;
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 40 }), async (s) => {
      const id = encodeURIComponent(s) || 'x';
      for (const path of [`/api/programmes/${id}`, `/api/applications/${id}`, `/api/programmes/${id}/applications?q=${id}`]) {
        const res = await t.http().get(path).set(staff);
        expect(res.status).toBeLessThan(500);
      }
    }), { numRuns: 30 });
  });
});
