import type request from 'supertest';
import { AuthService } from '../../src/auth/auth.service.js';
import { UsersRepository } from '../../src/auth/users.repository.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createPerson, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

const DAY = 86_400_000;
const PASSWORD = 'a long enough password';

/** Security review, finding 2: API tokens expire and slide, and sessions can be listed and ended. */
describe('sessions and API tokens', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url, apiTokenTtlDays: 30, sessionTtlDays: 14 } });
    city = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** A browser signed in with a password, as the person would be. */
  async function signedInBrowser(tt: TestTenant, person: TestPerson, password = PASSWORD): Promise<request.Agent> {
    await t.app.get(AuthService).setPassword(tt.tenant.id, person.userId, password);
    const browser = t.http();
    const page = await openPage(browser, tt.host, '/sign-in');
    await browser.post('/sign-in/password').set('Host', tt.host).type('form').send({ _csrf: page.csrf, email: person.email, password }).expect(303);
    return browser;
  }
  const mySpace = (browser: request.Agent, tt: TestTenant = city) => browser.get('/me').set('Host', tt.host).set('Accept', 'text/html');
  const meWith = (headers: Record<string, string>) => t.http().get('/api/me').set(headers);
  const bearer = (token: string, tt: TestTenant = city) => ({ Host: tt.host, Authorization: `Bearer ${token}` });
  const tokenRow = async (userId: string, name = 'test') =>
    (await t.ds.query('SELECT id, last_used_at, expires_at FROM api_token WHERE user_id = $1 AND name = $2', [userId, name]))[0] as {
      id: string;
      last_used_at: Date;
      expires_at: Date;
    };

  it('ends an API token API_TOKEN_TTL_DAYS after its last use, moving the expiry at most once an hour', async () => {
    const juror = await createPerson(t, city, 'juror');
    const created = await tokenRow(juror.userId);
    expect(created.expires_at.getTime() - created.last_used_at.getTime()).toBe(30 * DAY);

    // Used again within the hour: no write.
    t.clock.advance(30 * 60_000);
    await meWith(juror.headers).expect(200);
    expect(await tokenRow(juror.userId)).toEqual(created);

    // Used 20 days later: 30 days from now.
    t.clock.advance(20 * DAY);
    await meWith(juror.headers).expect(200);
    expect((await tokenRow(juror.userId)).expires_at.getTime()).toBe(t.clock.now().getTime() + 30 * DAY);
    t.clock.advance(29 * DAY); // 49 days after it was made, alive because it was used
    await meWith(juror.headers).expect(200);

    t.clock.advance(30 * DAY + 60_000);
    const expired = await meWith(juror.headers);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHENTICATED');
  });

  it('keeps a browser signed in while it is used, renewing its cookie, and ends it after SESSION_TTL_DAYS idle', async () => {
    const coach = await createPerson(t, city, 'coach');
    const browser = await signedInBrowser(city, coach);
    t.clock.advance(10 * DAY);
    const used = await mySpace(browser);
    expect(used.status).toBe(200);
    expect((used.headers['set-cookie'] as unknown as string[]).join(';')).toMatch(/tremplin_session=[^;]+; Max-Age=1209600/);
    t.clock.advance(10 * DAY); // 20 days after signing in, 10 after the last use
    expect((await mySpace(browser)).status).toBe(200);
    t.clock.advance(14 * DAY + 60_000);
    const idle = await mySpace(browser);
    expect(idle.status).toBe(303);
    expect(idle.headers.location).toBe('/sign-in?next=%2Fme');
  });

  it('signs a person out everywhere through the API, the calling token included, and no one else', async () => {
    const juror = await createPerson(t, city, 'juror');
    const cli = await t.app.get(AuthService).createApiToken(city.tenant.id, juror.userId, 'cli');
    const browser = await signedInBrowser(city, juror);
    const bystander = await createPerson(t, city, 'juror');

    await t.http().post('/api/me/sign-out-everywhere').set(juror.headers).expect(204);
    expect((await meWith(juror.headers)).status).toBe(401);
    expect((await meWith(bearer(cli))).status).toBe(401);
    expect((await mySpace(browser)).status).toBe(303);
    expect((await meWith(bystander.headers)).status).toBe(200);
    const audit = await t.ds.query(`SELECT actor_user_id, data FROM audit_entry WHERE action = 'person.signed_out_everywhere' AND subject_id = $1`, [
      juror.userId,
    ]);
    expect(audit).toEqual([{ actor_user_id: juror.userId, data: { ended: 3 } }]);
  });

  it('lets a person sign out everywhere from their space, saying first what will happen, then that it did', async () => {
    const partner = await createPerson(t, city, 'partner');
    const browser = await signedInBrowser(city, partner);

    const space = await openPage(browser, city.host, '/me');
    expect(space.html).toContain('Où vous êtes connecté');
    expect(space.html).toContain('href="/me/sign-out-everywhere"');
    const confirm = await openPage(browser, city.host, '/me/sign-out-everywhere');
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Navigateur web <span class="badge">celle-ci</span>');
    expect(confirm.html).toContain('« test »'); // the API token createPerson made
    expect(confirm.html).toContain('Me déconnecter partout, ici compris');
    expect(confirm.html).toContain('chaque jeton d&#x27;API cessera de fonctionner');
    const english = await openPage(browser, city.host, '/me/sign-out-everywhere?lang=en');
    expect(english.html).toContain('Sign out everywhere, including here');
    expect(english.html).toContain('API token “test”');

    // Without its CSRF token the form does nothing.
    await browser.post('/me/sign-out-everywhere').set('Host', city.host).type('form').send({}).expect(403);
    expect((await meWith(partner.headers)).status).toBe(200);

    const done = await browser.post('/me/sign-out-everywhere').set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/sign-in?signedOut=everywhere');
    expect((done.headers['set-cookie'] as unknown as string[]).join(';')).toMatch(/tremplin_session=;/);
    // This browser switched to English above.
    const signIn = await openPage(browser, city.host, done.headers.location);
    expect(signIn.html).toContain('You are signed out everywhere');
    expect((await openPage(browser, city.host, `${done.headers.location}&lang=fr`)).html).toContain('Vous êtes déconnecté partout');
    expect((await meWith(partner.headers)).status).toBe(401);
    expect((await mySpace(browser)).status).toBe(303);
  });

  it('ends every other session and token when a person changes their password, keeping the one that changed it', async () => {
    const applicant = await createPerson(t, city, 'applicant');
    const cli = await t.app.get(AuthService).createApiToken(city.tenant.id, applicant.userId, 'cli');
    const browser = await signedInBrowser(city, applicant);

    // By API token: that token stays, the other token and the browser are signed out.
    await t.http().post('/api/me/password').set(applicant.headers).send({ password: 'a brand new password' }).expect(204);
    expect((await meWith(applicant.headers)).status).toBe(200);
    expect((await meWith(bearer(cli))).status).toBe(401);
    expect((await mySpace(browser)).status).toBe(303);

    // From a browser: that browser stays signed in, the token is revoked.
    const again = t.http();
    const signIn = await openPage(again, city.host, '/sign-in');
    await again
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: applicant.email, password: 'a brand new password' })
      .expect(303);
    const space = await openPage(again, city.host, '/me');
    await again.post('/api/me/password').set({ Host: city.host, 'X-CSRF-Token': space.csrf }).send({ password: 'yet another password' }).expect(204);
    expect((await mySpace(again)).status).toBe(200);
    expect((await meWith(applicant.headers)).status).toBe(401);
    const audit = await t.ds.query(`SELECT data FROM audit_entry WHERE action = 'person.password_changed' AND subject_id = $1 ORDER BY id`, [applicant.userId]);
    expect(audit).toEqual([{ data: { sessionsEnded: 2 } }, { data: { sessionsEnded: 1 } }]);
  });

  it("lets staff list a person's sessions without their secrets, and end one, in their own authority only", async () => {
    const staff = await createPerson(t, city, 'staff');
    const coach = await createPerson(t, city, 'coach');
    const cli = await t.app.get(AuthService).createApiToken(city.tenant.id, coach.userId, 'cli');
    const browser = await signedInBrowser(city, coach);

    const listed = await t.http().get(`/api/people/${coach.userId}/sessions`).set(staff.headers);
    expect(listed.status).toBe(200);
    const sessions = listed.body as Array<Record<string, unknown>>;
    expect(sessions.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(['session:null', 'token:cli', 'token:test']);
    for (const s of sessions) expect(Object.keys(s).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'kind', 'lastUsedAt', 'name']);
    const secrets = [
      ...(await t.ds.query('SELECT token_hash FROM api_token WHERE user_id = $1', [coach.userId])),
      ...(await t.ds.query('SELECT token_hash FROM web_session WHERE user_id = $1', [coach.userId])),
    ].map((r: { token_hash: string }) => r.token_hash);
    expect(secrets).toHaveLength(3);
    for (const secret of [...secrets, cli, coach.token]) expect(listed.text).not.toContain(secret);

    const cliId = sessions.find((s) => s.name === 'cli')!.id as string;
    await t.http().delete(`/api/people/${coach.userId}/sessions/${cliId}`).set(staff.headers).expect(204);
    expect((await meWith(bearer(cli))).status).toBe(401);
    expect((await meWith(coach.headers)).status).toBe(200);
    const twice = await t.http().delete(`/api/people/${coach.userId}/sessions/${cliId}`).set(staff.headers);
    expect(twice.status).toBe(404);
    expect(twice.body.code).toBe('SESSION_NOT_FOUND');
    const browserId = sessions.find((s) => s.kind === 'session')!.id as string;
    await t.http().delete(`/api/people/${coach.userId}/sessions/${browserId}`).set(staff.headers).expect(204);
    expect((await mySpace(browser)).status).toBe(303);
    expect(
      (await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'person.session_revoked' AND subject_id = $1`, [coach.userId]))[0].n,
    ).toBe(2);

    // A session id of someone else is not this person's.
    const other = await createPerson(t, city, 'coach');
    const otherId = (await tokenRow(other.userId)).id;
    await t.http().delete(`/api/people/${coach.userId}/sessions/${otherId}`).set(staff.headers).expect(404);
    expect((await meWith(other.headers)).status).toBe(200);

    // Not staff: refused. Another authority's person: not found, whatever the route.
    await t.http().get(`/api/people/${coach.userId}/sessions`).set(coach.headers).expect(403);
    const elsewhere = await createTenant(t);
    const foreign = await createPerson(t, elsewhere, 'coach');
    const foreignToken = (await tokenRow(foreign.userId)).id;
    for (const [method, path] of [
      ['get', `/api/people/${foreign.userId}/sessions`],
      ['delete', `/api/people/${foreign.userId}/sessions/${foreignToken}`],
      ['delete', `/api/people/${foreign.userId}/access`],
      ['get', '/api/people/not-a-uuid/sessions'],
    ] as const) {
      const res = await t.http()[method](path).set(staff.headers);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'PERSON_NOT_FOUND' });
    }
    expect((await meWith(bearer(foreign.token, elsewhere))).status).toBe(200);
  });

  it("lets staff remove a person's access: every role, session and token, audited; not their own, not a platform admin's", async () => {
    const staff = await createPerson(t, city, 'staff');
    const juror = await createPerson(t, city, 'juror');
    await t.app.get(TransactionRunner).run((em) => t.app.get(UsersRepository).grant(em, city.tenant.id, juror.userId, 'coach'));
    const browser = await signedInBrowser(city, juror);

    const removed = await t.http().delete(`/api/people/${juror.userId}/access`).set(staff.headers);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ rolesRemoved: 2, sessionsEnded: 2 });
    expect((await meWith(juror.headers)).status).toBe(401);
    expect((await mySpace(browser)).status).toBe(303);
    expect((await t.ds.query('SELECT count(*)::int AS n FROM role_grant WHERE user_id = $1', [juror.userId]))[0].n).toBe(0);
    const audit = await t.ds.query(`SELECT actor_user_id, data FROM audit_entry WHERE action = 'person.access_removed' AND subject_id = $1`, [juror.userId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_user_id).toBe(staff.userId);
    expect(audit[0].data).toMatchObject({ email: juror.email, sessionsEnded: 2 });
    expect(audit[0].data.roles.map((r: { role: string }) => r.role).sort()).toEqual(['coach', 'juror']);

    const self = await t.http().delete(`/api/people/${staff.userId}/access`).set(staff.headers);
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('ACCESS_SELF_REMOVAL');
    expect((await meWith(staff.headers)).body.roles).toEqual(['staff']);

    const admin = await createPerson(t, city, 'platform_admin');
    const refused = await t.http().delete(`/api/people/${admin.userId}/access`).set(staff.headers);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCESS_REMOVAL_FORBIDDEN');
    expect((await meWith(admin.headers)).status).toBe(200);
  });
});
