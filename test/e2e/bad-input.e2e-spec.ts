import fc from 'fast-check';
import { contributionBody, createCampaignProgramme } from '../factories/campaigns.js';
import { createCall, createPerson, createProgramme, createTenant, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

type Route = { method: 'post' | 'put' | 'patch'; path: string; headers: Record<string, string> };

/** Characters PostgreSQL refuses (NUL), others no text should hold, and a lone surrogate. */
const DIRTY = ['\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\ud800', '\udfff'];
/** Key names of real fields, and of the problem's own members. */
const KEYS = ['title', 'answers', 'q1', 'displayName', 'summary', 'name', 'criteria', 'story', 'status', 'type', 'code', 'errors', 'requestId', 'detail', 'x'];
const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'code', 'errors', 'requestId', 'instance'];

/** A body holding one dirty string (or key) at the end of `path`, arrays counting as ".0". */
function dirtyBody(path: Array<string | number>, text: string, inKey: boolean): { body: unknown; field: string } {
  const last = path.length - 1;
  let body: unknown = text;
  for (let i = last; i >= 0; i--) {
    const k = path[i];
    body = typeof k === 'number' ? [body] : { [i === last && inKey ? `${k}${text}` : k]: i === last && inKey ? 'v' : body };
  }
  const field = path.map((k, i) => (i === last && inKey ? `${k}${text.replace(/[^\x20-\x7e]/g, '?')}` : String(k))).join('.');
  return { body, field };
}

const dirtyCase = fc.record({
  path: fc
    .array(fc.oneof(fc.constantFrom(...KEYS), fc.constant(0)), { minLength: 1, maxLength: 6 })
    .filter((p) => typeof p[0] === 'string' && typeof p[p.length - 1] === 'string') as fc.Arbitrary<Array<string | number>>,
  before: fc.string({ maxLength: 5 }),
  dirty: fc.constantFrom(...DIRTY),
  after: fc.string({ maxLength: 5 }),
  inKey: fc.boolean(),
});

/** Whatever JSON arrives, the answer is never a 500, and every refusal is problem+json with its own members. */
describe('bad input', () => {
  let t: TestApp;
  let city: TestTenant;
  const routes: Route[] = [];
  let liveCampaign = '';
  let laureateHeaders: Record<string, string> = {};
  let contributionsPath = '';

  function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, where: string) {
    if (res.status >= 500) throw new Error(`${where} -> ${res.status} ${JSON.stringify(res.body)}`);
    if (res.status < 400) return;
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    // The problem's own members are never replaced by a detail of the same name.
    expect([
      res.body.status,
      typeof res.body.type,
      typeof res.body.title,
      typeof res.body.detail,
      typeof res.body.code,
      Array.isArray(res.body.errors),
      typeof res.body.requestId,
    ]).toEqual([res.status, 'string', 'string', 'string', 'string', true, 'string']);
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const maker = await createPerson(t, city, null);
    const p = await createProgramme(t, city, staff, { phase: 'call_open' });
    await createCall(t, city, staff, p.id, {
      form: [{ key: 'q1', kind: 'long_text', label: { fr: 'Votre projet', en: 'Your project' }, required: false }],
    });
    const app = (await t.http().post(`/api/programmes/${p.id}/applications`).set(maker.headers).send({})).body.id;
    const campaign = await createCampaignProgramme(t, city, staff, 1);
    await campaign.open();
    liveCampaign = campaign.campaigns[0].id;
    laureateHeaders = campaign.laureates[0].headers;
    contributionsPath = `/api/campaigns/${liveCampaign}/contributions`;
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
      { method: 'patch', path: `/api/campaigns/${liveCampaign}`, headers: laureateHeaders },
      { method: 'post', path: contributionsPath, headers: { Host: city.host, 'Idempotency-Key': 'k-fuzz-0123456789' } },
    );
  });
  afterAll(() => t.close());

  it('answers 4xx problem+json, never 500, to random JSON bodies on every write route', async () => {
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
          const res = await t.http()[route.method](route.path).set(route.headers).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expectProblem(res, `${route.method} ${route.path} ${JSON.stringify(body)}`);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('names the field holding a NUL, another control character or a lone surrogate, at any depth, on every route', async () => {
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(dirtyCase, async ({ path, before, dirty, after, inKey }) => {
          const { body, field } = dirtyBody(path, `${before}${dirty}${after}`, inKey);
          const res = await t.http()[route.method](route.path).set(route.headers).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expectProblem(res, `${route.method} ${route.path} ${JSON.stringify(body)}`);
          expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
          expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
        }),
        { numRuns: 15 },
      );
    }
  });

  it("refuses a NUL in the reported cases: a contribution's display name, an application's title and answers", async () => {
    const contribution = await t
      .http()
      .post(contributionsPath)
      .set('Host', city.host)
      .set('Idempotency-Key', 'k-nul-display-name')
      .send(contributionBody({ displayName: 'Cam\u0000ille' }));
    expect([contribution.status, contribution.body.errors]).toEqual([400, [expect.objectContaining({ field: 'displayName' })]]);
    const application = routes.find((r) => r.path.startsWith('/api/applications/') && r.method === 'patch')!;
    const title = await t.http().patch(application.path).set(application.headers).send({ title: 'a\u0000b' });
    expect([title.status, title.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['title']]);
    const answers = await t
      .http()
      .patch(application.path)
      .set(application.headers)
      .send({ answers: { q1: 'x\u0000' } });
    expect([answers.status, answers.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['answers.q1']]);
    // Tab, line feed and carriage return are text.
    await t
      .http()
      .patch(application.path)
      .set(application.headers)
      .send({ title: 'Atelier', answers: { q1: 'une\tligne\r\npuis une autre\n' } })
      .expect(200);
  });

  it('refuses control characters in query strings, paths and form bodies', async () => {
    const staff = routes[0].headers;
    const programme = routes[1].path.split('/')[3];
    // Broken UTF-8 in a query string is decoded to U+FFFD, which is text.
    expect((await t.http().get(`/api/programmes/${programme}/applications?q=%ED%A0%80`).set(staff)).status).toBeLessThan(500);
    for (const q of ['q=a%00b', 'commune=%01', 'status=%1F', 'q%00=1', 'q=%09%0B']) {
      const res = await t.http().get(`/api/programmes/${programme}/applications?${q}`).set(staff);
      expectProblem(res, q);
      expect(res.status).toBe(400);
    }
    const named = await t.http().get(`/api/programmes/${programme}/applications?commune=Lille%00`).set(staff);
    expect(named.body.errors).toEqual([expect.objectContaining({ field: 'commune' })]);
    for (const path of ['/programmes/a%00b/campaigns/x', '/api/applications/%00', '/coaching/calendar/%00.ics', '/sign-in/link/%0A']) {
      const res = await t.http().get(path).set('Host', city.host);
      expectProblem(res, path);
      expect([res.status, res.body.errors?.[0]?.field]).toEqual([400, 'path']);
    }
    // A form, from a page, with its CSRF token.
    const agent = t.http();
    const signIn = await openPage(agent, city.host, '/sign-in');
    const form = await agent
      .post('/sign-in/link')
      .set('Host', city.host)
      .type('form')
      .send(`_csrf=${encodeURIComponent(signIn.csrf)}&email=a%00b%40example.org`);
    expect(form.status).toBe(400);
    // The same with a bearer token (no CSRF needed) on every API route.
    for (const route of routes.filter((r) => r.headers.Authorization)) {
      const res = await t.http()[route.method](route.path).set(route.headers).type('form').send('title=a%00b&x=1');
      expectProblem(res, `${route.method} ${route.path} form`);
      expect(res.status).toBe(400);
    }
  });

  it('refuses bodies nested deeper than 32 levels before parsing them, JSON and forms alike', async () => {
    for (const route of routes) {
      for (const depth of [33, 1_000, 40_000]) {
        for (const [open, close] of [
          ['[', ']'],
          ['{"a":', '}'],
        ]) {
          const body = `${open.repeat(depth)}1${close.repeat(depth)}`;
          const res = await t.http()[route.method](route.path).set(route.headers).set('Content-Type', 'application/json').send(body);
          expectProblem(res, `${route.method} ${route.path} depth ${depth}`);
          expect([res.status, res.body.code]).toEqual([400, 'BODY_TOO_DEEP']);
        }
      }
      // Brackets inside strings do not count; 32 levels are parsed (and refused for what they are).
      const http = t.http();
      const shallow = await http[route.method](route.path)
        .set(route.headers)
        .set('Content-Type', 'application/json')
        .send(`{"title":"${'['.repeat(100)}","x":${'['.repeat(31)}1${']'.repeat(31)}}`);
      expectProblem(shallow, `${route.method} ${route.path} shallow`);
      expect(shallow.body.code).not.toBe('BODY_TOO_DEEP');
    }
    // Forms are parsed flat (a[b][c] is one name): deep names are just unknown fields.
    for (const route of routes.filter((r) => r.headers.Authorization)) {
      const http = t.http();
      const res = await http[route.method](route.path)
        .set(route.headers)
        .type('form')
        .send(`${'a'}${'[b]'.repeat(10_000)}=1`);
      expectProblem(res, `${route.method} ${route.path} deep form`);
    }
    // Too large is 413, as before.
    const huge = await t
      .http()
      .post('/api/programmes')
      .set(routes[0].headers)
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(300_000)}"`);
    expect([huge.status, huge.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it("keeps the problem's own members whatever the details (a live campaign's goal change was a 500)", async () => {
    const res = await t.http().patch(`/api/campaigns/${liveCampaign}`).set(laureateHeaders).send({ goalCents: 200_000 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status: 409, code: 'CAMPAIGN_NOT_EDITABLE', campaignStatus: 'live', type: 'urn:tremplin:error:campaign-not-editable' });
    // The status is shown by its label in the reader's language.
    expect(res.body.detail).toBe("Cette campagne n'est plus modifiable (elle est en cours).");
    // Bodies whose keys are the problem's members, on every route.
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...PROBLEM_KEYS, 'goalCents', 'to', 'reason'), fc.jsonValue({ maxDepth: 1 })), async (body) => {
          const r = await t.http()[route.method](route.path).set(route.headers).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expectProblem(r, `${route.method} ${route.path} ${JSON.stringify(body)}`);
        }),
        { numRuns: 10 },
      );
    }
  });

  it('answers 4xx to random strings as ids and query values', async () => {
    const staff = routes[0].headers;
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), async (s) => {
        let id = 'x';
        try {
          id = encodeURIComponent(s) || 'x';
        } catch {
          // a lone surrogate cannot be put in a URL
        }
        for (const path of [
          `/api/programmes/${id}`,
          `/api/applications/${id}`,
          `/api/programmes/${id}/applications?q=${id}`,
          `/programmes/${id}/campaigns/${id}`,
        ]) {
          const res = await t.http().get(path).set(staff);
          expect(res.status).toBeLessThan(500);
        }
      }),
      { numRuns: 30 },
    );
  });
});
