import { createPerson, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/**
 * Security review, finding 1: links in e-mails (and canonical URLs, share cards, sitemaps) come from
 * configuration only. A poisoned Host header chooses no authority; X-Forwarded-* headers change nothing.
 */
describe('link origin', () => {
  const PUBLIC_URL = 'https://tremplin.example.org';
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant; // registered host: <slug>.test
  let hostless: TestTenant; // no host of its own: served under PUBLIC_URL/t/<slug>
  let staff: TestPerson;
  let hostlessStaff: TestPerson;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL, trustProxy: true } });
    city = await createTenant(t);
    hostless = await createTenant(t, { hosts: [] });
    staff = await createPerson(t, city, 'staff');
    hostlessStaff = await createPerson(t, hostless, 'staff');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function linkRequest(path: string, headers: Record<string, string>, email: string) {
    t.clock.advance(61_000); // a person gets at most one link e-mail a minute
    const before = smtp.to(email).length;
    const res = await t.http().post(path).set(headers).send({ email });
    await t.sendMail();
    const mails = smtp.to(email);
    return {
      status: res.status,
      code: res.body?.code as string | undefined,
      link: mails.length > before ? linkIn(mails.at(-1)!, '/sign-in/link/') : undefined,
    };
  }

  it.each([
    ['an unknown host', 'attacker.example'],
    ['userinfo before the host', 'localhost:1@attacker.example'],
    ['a loopback name with userinfo', '127.0.0.1:1@attacker.example'],
    ['a trailing dot', 'localhost.'],
    ['a path after the host', 'localhost/attacker.example'],
    ['a second host', 'localhost, attacker.example'],
    ['a port out of range', 'localhost:99999'],
    ['an empty host', ''],
  ])('answers 404 and sends nothing for %s on /t/<slug>', async (_label, host) => {
    const res = await linkRequest(`/t/${city.tenant.slug}/api/auth/sign-in-links`, { Host: host }, staff.email);
    expect(res.status).toBe(404);
    expect(res.code).toBe('TENANT_UNKNOWN');
    expect(res.link).toBeUndefined();
  });

  it.each([
    ['a trailing dot', (h: string) => `${h}.`],
    ['userinfo', (h: string) => `x:1@${h}`],
    ['a look-alike suffix', (h: string) => `${h}.attacker.example`],
  ])('answers 404 for a registered host with %s', async (_label, poison) => {
    const res = await linkRequest('/api/auth/sign-in-links', { Host: poison(city.host) }, staff.email);
    expect(res.status).toBe(404);
    expect(res.link).toBeUndefined();
  });

  it('builds links from the registered host and PUBLIC_URL scheme, ignoring forwarded headers', async () => {
    const res = await linkRequest(
      '/api/auth/sign-in-links',
      {
        Host: city.host.toUpperCase(),
        'X-Forwarded-Host': 'attacker.example',
        'X-Forwarded-Proto': 'http',
        Forwarded: 'host=attacker.example',
      },
      staff.email,
    );
    expect(res.status).toBe(202);
    expect(new URL(res.link!).origin).toBe(`https://${city.host}`);
    // The link signs in on the registered host.
    const token = res.link!.split('/').pop()!;
    const signedIn = await t.http().post('/api/auth/sign-in-links/consume').set('Host', city.host).send({ token });
    expect(signedIn.status).toBe(201);
  });

  it('builds the same link when the registered host is reached on another port', async () => {
    const res = await linkRequest('/api/auth/sign-in-links', { Host: `${city.host}:8443` }, staff.email);
    expect(res.status).toBe(202);
    expect(new URL(res.link!).origin).toBe(`https://${city.host}`);
  });

  it("serves /t/<slug> under PUBLIC_URL's host and loopback (outside production), with links from configuration", async () => {
    const viaPublic = await linkRequest(`/t/${hostless.tenant.slug}/api/auth/sign-in-links`, { Host: 'tremplin.example.org' }, hostlessStaff.email);
    expect(viaPublic.status).toBe(202);
    expect(viaPublic.link!.startsWith(`${PUBLIC_URL}/t/${hostless.tenant.slug}/sign-in/link/`)).toBe(true);

    const viaLoopback = await linkRequest(
      `/t/${hostless.tenant.slug}/api/auth/sign-in-links`,
      { Host: '127.0.0.1:5173', 'X-Forwarded-Host': 'attacker.example' },
      hostlessStaff.email,
    );
    expect(viaLoopback.status).toBe(202);
    expect(viaLoopback.link!.startsWith(`${PUBLIC_URL}/t/${hostless.tenant.slug}/sign-in/link/`)).toBe(true);

    // An authority with a registered host gets links to that host, whatever the path it was reached by.
    const viaPrefix = await linkRequest(`/t/${city.tenant.slug}/api/auth/sign-in-links`, { Host: 'localhost:3000' }, staff.email);
    expect(viaPrefix.status).toBe(202);
    expect(new URL(viaPrefix.link!).origin).toBe(`https://${city.host}`);
  });

  it("refuses /t/<slug> under another authority's registered host", async () => {
    const res = await linkRequest(`/t/${hostless.tenant.slug}/api/auth/sign-in-links`, { Host: city.host }, hostlessStaff.email);
    expect(res.status).toBe(404);
    expect(res.link).toBeUndefined();
  });

  it('invitations from the staff form and the API use the configured origin too', async () => {
    const email = `juror-${Date.now()}@example.org`;
    const res = await t
      .http()
      .post('/api/people')
      .set({ ...staff.headers, 'X-Forwarded-Host': 'attacker.example' })
      .send({ email, displayName: 'Juror', role: 'juror' });
    expect(res.status).toBe(201);
    await t.sendMail();
    expect(new URL(linkIn(smtp.to(email).at(-1)!, '/sign-in/link/')).origin).toBe(`https://${city.host}`);
  });

  it('puts only configured origins in canonical URLs, sitemaps and robots.txt', async () => {
    const home = await t
      .http()
      .get('/')
      .set({ Host: `${city.host}:8443`, 'X-Forwarded-Host': 'attacker.example', Accept: 'text/html' });
    expect(home.status).toBe(200);
    expect(home.text).not.toContain('attacker.example');
    expect(home.text).not.toContain(':8443');
    const sitemap = await t
      .http()
      .get('/sitemap.xml')
      .set({ Host: `${city.host}:8443` });
    expect(sitemap.text).toContain(`https://${city.host}/`);
    expect(sitemap.text).not.toContain(':8443');
    const robots = await t.http().get(`/t/${hostless.tenant.slug}/robots.txt`).set({ Host: '127.0.0.1' });
    expect(robots.text).toContain(`${PUBLIC_URL}/t/${hostless.tenant.slug}/sitemap.xml`);
  });
});
