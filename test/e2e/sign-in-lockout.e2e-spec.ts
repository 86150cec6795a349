import { AuthService } from '../../src/auth/auth.service.js';
import { createPerson, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

const PASSWORD = 'correct horse battery staple';
const WINDOW = 15 * 60_000;

/**
 * Security review, finding 4: nobody can lock a person out. With SIGN_IN_RATE_LIMIT 5: 5 password
 * failures per window per (address, IP), 25 per IP; 25 link requests per IP; one link e-mail a minute
 * per person. The app trusts X-Forwarded-For here, so each test can speak from several addresses.
 */
describe('sign-in limits that cannot be turned against a person', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let ipSeq = 0;
  /** A fresh client IP, so that tests do not share per-IP buckets. */
  const newIp = () => `203.0.113.${++ipSeq}`;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url, signInRateLimit: 5, trustProxy: true } });
    city = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  // Each test starts in a fresh 15-minute window.
  beforeEach(() => t.clock.advance(WINDOW));

  async function personWithPassword(): Promise<TestPerson> {
    const person = await createPerson(t, city, 'staff');
    await t.app.get(AuthService).setPassword(city.tenant.id, person.userId, PASSWORD);
    return person;
  }
  const password = (ip: string, email: string, pw: string) =>
    t.http().post('/api/auth/tokens').set({ Host: city.host, 'X-Forwarded-For': ip }).send({ email, password: pw });
  const askLink = (ip: string, email: string) => t.http().post('/api/auth/sign-in-links').set({ Host: city.host, 'X-Forwarded-For': ip }).send({ email });

  it('lets the correct password in after 13 anonymous link requests for the address, and sends one e-mail for them', async () => {
    const person = await personWithPassword();
    const attacker = newIp();
    for (let i = 0; i < 13; i++) expect((await askLink(attacker, person.email)).status).toBe(202);

    const signedIn = await password(newIp(), person.email, PASSWORD);
    expect(signedIn.status).toBe(201);
    expect(signedIn.body.token).toMatch(/^tpl_/);
    // Even from the requester's own IP: link requests and password failures are separate buckets.
    expect((await password(attacker, person.email, PASSWORD)).status).toBe(201);
    // And through the sign-in page.
    const browser = t.http();
    const page = await openPage(browser, city.host, '/sign-in');
    const form = await browser
      .post('/sign-in/password')
      .set({ Host: city.host, 'X-Forwarded-For': attacker })
      .type('form')
      .send({ _csrf: page.csrf, email: person.email, password: PASSWORD });
    expect(form.status).toBe(303);

    await t.sendMail();
    expect(smtp.to(person.email)).toHaveLength(1);
  });

  it('counts failures only: signing in correctly again and again is never limited', async () => {
    const person = await personWithPassword();
    const ip = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await password(ip, person.email, PASSWORD)).status);
    expect(statuses).toEqual(Array(8).fill(201));
  });

  it('stops wrong passwords from one IP (429 with Retry-After) without blocking the person signing in from another', async () => {
    const person = await personWithPassword();
    const guesser = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await password(guesser, person.email, `wrong ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await password(guesser, person.email, `wrong again`);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // That IP has spent its budget for this address, the correct password included...
    expect((await password(guesser, person.email, PASSWORD)).status).toBe(429);

    // ...but the person, from their own address, signs in; and a wrong password there counts on its own budget.
    const home = newIp();
    expect((await password(home, person.email, 'typo')).status).toBe(401);
    expect((await password(home, person.email, PASSWORD)).status).toBe(201);

    // The guesser's next window starts afresh.
    t.clock.advance(WINDOW);
    expect((await password(guesser, person.email, PASSWORD)).status).toBe(201);
  });

  it('limits failures per IP across addresses, generously (5 x SIGN_IN_RATE_LIMIT), for that IP only', async () => {
    const person = await personWithPassword();
    const sprayer = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 26; i++) statuses.push((await password(sprayer, `someone-${i}@example.org`, 'guess')).status);
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(401));
    expect(statuses[25]).toBe(429);
    expect((await password(sprayer, person.email, PASSWORD)).status).toBe(429);
    expect((await password(newIp(), person.email, PASSWORD)).status).toBe(201);
  });

  it('does not let parallel guesses overshoot the limit', async () => {
    const person = await personWithPassword();
    const ip = newIp();
    const statuses = (await Promise.all(Array.from({ length: 12 }, (_, i) => password(ip, person.email, `parallel ${i}`)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('sends at most one link e-mail a minute per address, answering the same to every request', async () => {
    const person = await personWithPassword();
    const before = smtp.to(person.email).length;
    const first = await askLink(newIp(), person.email);
    const second = await askLink(newIp(), person.email);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toEqual(first.body);
    await t.sendMail();
    expect(smtp.to(person.email)).toHaveLength(before + 1);

    t.clock.advance(59_000);
    expect((await askLink(newIp(), person.email)).status).toBe(202);
    await t.sendMail();
    expect(smtp.to(person.email)).toHaveLength(before + 1);

    t.clock.advance(2_000); // 61 s after the first e-mail
    expect((await askLink(newIp(), person.email)).status).toBe(202);
    await t.sendMail();
    const mails = smtp.to(person.email);
    expect(mails).toHaveLength(before + 2);
    expect(mails.at(-1)!.text).toContain('/sign-in/link/');
  });

  it('limits link requests per IP with 429 and Retry-After, without affecting other callers', async () => {
    const person = await personWithPassword();
    const flooder = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await askLink(flooder, `nobody-${i}@example.org`)).status);
    expect(statuses).toEqual(Array(25).fill(202));
    const limited = await askLink(flooder, person.email);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await askLink(newIp(), person.email)).status).toBe(202);
    expect((await password(flooder, person.email, PASSWORD)).status).toBe(201);
  });
});
