import { createPerson, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

describe('sign-in', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url, signInRateLimit: 5 } });
    city = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('signs a person in with a one-time e-mailed link, then refuses the same link again', async () => {
    const staff = await createPerson(t, city, 'staff');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    expect(signIn.status).toBe(200);
    const sent = await browser
      .post('/sign-in/link')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: staff.email.toUpperCase(), next: '/staff' });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Consultez vos e-mails');

    await t.sendMail();
    const mail = smtp.to(staff.email).at(-1)!;
    expect(mail.subject).toBe(`Votre lien de connexion à ${city.tenant.name}`);
    const link = new URL(linkIn(mail, '/sign-in/link/'));

    // Opening the link does not use it up (mail scanners follow links); pressing the button does.
    const confirm = await openPage(browser, city.host, link.pathname);
    expect(confirm.status).toBe(200);
    const used = await browser.post(link.pathname).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(used.status).toBe(303);
    expect(used.headers.location).toBe('/staff');
    const cookie = used.headers['set-cookie'] as unknown as string[];
    expect(cookie.join(';')).toMatch(/tremplin_session=[^;]+;.*HttpOnly/);
    expect(cookie.join(';')).toMatch(/SameSite=Lax/);

    const desk = await openPage(browser, city.host, '/staff');
    expect(desk.status).toBe(200);
    expect(desk.html).toContain('Espace agents');

    const again = await t.http().post(link.pathname).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(again.status).toBe(403); // another browser has no CSRF cookie
    const reused = await browser.post(link.pathname).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('a expiré ou a déjà servi');
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const before = smtp.mails.length;
    const res = await t.http().post('/api/auth/sign-in-links').set('Host', city.host).send({ email: 'nobody@example.org' });
    expect(res.status).toBe(202);
    await t.sendMail();
    expect(smtp.mails.length).toBe(before);
  });

  it('expires links after their lifetime', async () => {
    const juror = await createPerson(t, city, 'juror');
    await t.http().post('/api/auth/sign-in-links').set('Host', city.host).send({ email: juror.email }).expect(202);
    await t.sendMail();
    const token = linkIn(smtp.to(juror.email).at(-1)!, '/sign-in/link/').split('/').pop()!;
    t.clock.advance(31 * 60_000);
    const res = await t.http().post('/api/auth/sign-in-links/consume').set('Host', city.host).send({ token });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('SIGN_IN_LINK_INVALID');
  });

  it('exchanges a link for an API token once', async () => {
    const coach = await createPerson(t, city, 'coach');
    await t.http().post('/api/auth/sign-in-links').set('Host', city.host).send({ email: coach.email }).expect(202);
    await t.sendMail();
    const token = linkIn(smtp.to(coach.email).at(-1)!, '/sign-in/link/').split('/').pop()!;
    const [a, b] = await Promise.all([
      t.http().post('/api/auth/sign-in-links/consume').set('Host', city.host).send({ token }),
      t.http().post('/api/auth/sign-in-links/consume').set('Host', city.host).send({ token }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
    const bearer = (a.status === 201 ? a : b).body.token;
    const me = await t
      .http()
      .get('/api/me')
      .set({ Host: city.host, Authorization: `Bearer ${bearer}` });
    expect(me.body.email).toBe(coach.email);
  });

  it('signs in with an argon2 password and rate-limits guessing', async () => {
    const staff = await createPerson(t, city, 'staff');
    const set = await t.http().post('/api/me/password').set(staff.headers).send({ password: 'correct horse battery staple' });
    expect(set.status).toBe(204);
    const hash = (await t.ds.query('SELECT password_hash FROM app_user WHERE id = $1', [staff.userId]))[0].password_hash;
    expect(hash).toMatch(/^\$argon2id\$/);

    const ok = await t.http().post('/api/auth/tokens').set('Host', city.host).send({ email: staff.email, password: 'correct horse battery staple' });
    expect(ok.status).toBe(201);
    const results: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t
        .http()
        .post('/api/auth/tokens')
        .set('Host', city.host)
        .send({ email: staff.email, password: `wrong ${i}` });
      results.push(res.status);
    }
    // 5 failures per window for this address from this IP (the good one did not count), then 429 for this IP.
    // Other IPs and anonymous link requests do not count here: see sign-in-lockout.e2e-spec.ts.
    expect(results).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await t.http().post('/api/auth/tokens').set('Host', city.host).send({ email: staff.email, password: 'correct horse battery staple' });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body.code).toBe('RATE_LIMITED');
  });

  it('refuses a form without its CSRF token, and a cookie-authenticated API write without the header', async () => {
    const res = await t.http().post('/sign-in/link').set('Host', city.host).type('form').send({ email: 'x@example.org' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Le formulaire a expiré');
  });

  it('lets staff invite a juror, who receives a sign-in link', async () => {
    const staff = await createPerson(t, city, 'staff');
    const res = await t.http().post('/api/people').set(staff.headers).send({ email: 'New.Juror@Example.org', displayName: 'Nouvelle Jurée', role: 'juror' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.juror@example.org', role: 'juror', granted: true });
    const twice = await t.http().post('/api/people').set(staff.headers).send({ email: 'new.juror@example.org', displayName: 'Nouvelle Jurée', role: 'juror' });
    expect(twice.body.granted).toBe(false);
    await t.sendMail();
    const mails = smtp.to('new.juror@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain('Invitation');
    expect(mails[0].text).toContain('/sign-in/link/');
  });

  it('shows the staff desk only to staff: others are sent to sign in or refused', async () => {
    const anon = await t.http().get('/staff').set('Host', city.host).set('Accept', 'text/html');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/sign-in?next=%2Fstaff');
    const juror = await createPerson(t, city, 'juror');
    const refused = await t.http().get('/staff').set(juror.headers).set('Accept', 'text/html');
    expect(refused.status).toBe(403);
  });
});

describe('housekeeping', () => {
  it('purges expired sessions and old rate-limit windows once per hour across two instances', async () => {
    const { HousekeepingCron } = await import('../../src/auth/housekeeping.cron.js');
    const { AuthService } = await import('../../src/auth/auth.service.js');
    const one = await startTestApp();
    const two = await startTestApp({ databaseUrl: one.databaseUrl, clock: one.clock });
    try {
      const city = await createTenant(one);
      const person = await createPerson(one, city, 'staff');
      await one.app.get(AuthService).createSession(city.tenant.id, person.userId);
      await one.ds.query(`INSERT INTO rate_limit_bucket (key, window_start, hits) VALUES ('old', $1, 3)`, [
        new Date(one.clock.now().getTime() - 3 * 86_400_000),
      ]);
      one.clock.advance(15 * 86_400_000);
      const ran = await Promise.all([one.app.get(HousekeepingCron).run(), two.app.get(HousekeepingCron).run()]);
      expect(ran.filter(Boolean)).toHaveLength(1);
      expect((await one.ds.query('SELECT count(*)::int AS n FROM web_session'))[0].n).toBe(0);
      expect((await one.ds.query('SELECT count(*)::int AS n FROM rate_limit_bucket'))[0].n).toBe(0);
      expect(await one.app.get(HousekeepingCron).run()).toBe(false);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
