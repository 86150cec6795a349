import { AuthService } from '../../src/auth/auth.service.js';
import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** People and access for an authority (issue 13, item 3): /staff/people and /api/people. */
describe('people and access', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programmeId: string;
  let browser: ReturnType<TestApp['http']>;

  const html = (path: string) => openPage(browser, city.host, path);
  const post = (path: string, csrf: string, body: Record<string, string> = {}) =>
    browser
      .post(path)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: csrf, ...body });
  const grantsOf = async (userId: string) =>
    (await t.ds.query('SELECT id, role, programme_id FROM role_grant WHERE user_id = $1 ORDER BY created_at', [userId])) as Array<{
      id: string;
      role: string;
      programme_id: string | null;
    }>;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@people.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    programmeId = (await createProgramme(t, city, staff)).id;
    browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'agent@people.test', password: 'a long enough password' })
      .expect(303);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('lists everyone with access, with their roles by programme title, filters and pages of 25', async () => {
    for (let i = 0; i < 30; i += 1) {
      const n = String(i).padStart(2, '0');
      await createPerson(t, city, i % 2 ? 'coach' : 'juror', { email: `person-${n}@example.org`, programmeId: i % 2 ? undefined : programmeId });
    }
    const all = await t.http().get('/api/people').set(staff.headers).expect(200);
    expect(all.body).toMatchObject({ total: 31, page: 1, pageSize: 25, pages: 2 });
    expect(all.body.items).toHaveLength(25);
    const second = await t.http().get('/api/people?page=2').set(staff.headers).expect(200);
    expect(second.body.items).toHaveLength(6);
    const jurors = await t.http().get(`/api/people?role=juror&programmeId=${programmeId}`).set(staff.headers).expect(200);
    expect(jurors.body.total).toBe(15);
    expect(jurors.body.items[0].grants[0]).toMatchObject({
      role: 'juror',
      programme: { id: programmeId, title: { fr: 'Makers : économie circulaire', en: 'Makers: circular economy' } },
    });
    const search = await t.http().get('/api/people?q=PERSON-07').set(staff.headers).expect(200);
    expect(search.body.items.map((p: { email: string }) => p.email)).toEqual(['person-07@example.org']);
    expect((await t.http().get('/api/people?q=%25').set(staff.headers)).body.total).toBe(0);

    const page1 = await html('/staff/people');
    expect(page1.status).toBe(200);
    expect(page1.html).toContain('Personnes 1 à 25 sur 31');
    expect(page1.html).toContain('Membre du jury<span class="role-scope"> · Makers : économie circulaire');
    expect(page1.html).toContain('Coach<span class="role-scope"> · Toute la collectivité');
    expect(page1.html).toMatch(/<a href="\/staff\/people\?page(=|&#x3D;)2" rel="next">/);
    const filtered = await html(`/staff/people?role=coach&q=person`);
    expect(filtered.html).toContain('Personnes 1 à 15 sur 15');
    expect(filtered.html).not.toContain('rel="next"');
    expect(filtered.html).toContain('<option value="coach" selected>');
  });

  it('invites through the page: errors next to the fields, then a confirmation and the e-mail', async () => {
    const form = await html('/staff/people/invite');
    expect(form.html).toContain(`<option value="${programmeId}">Makers : économie circulaire</option>`);
    const bad = await post('/staff/people', form.csrf, { email: 'not-an-email', displayName: 'Nina', role: 'juror', programmeId });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');
    expect(bad.text).toContain('href="#field-email"');
    expect(bad.text).toContain('value="Nina"');
    const ok = await post('/staff/people', form.csrf, { email: 'Nina@Example.org', displayName: 'Nina', role: 'juror', programmeId });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toMatch(/^\/staff\/people\/[0-9a-f-]{36}\?done=invited$/);
    const person = await html(ok.headers.location);
    expect(person.html).toContain('<div class="notice notice-success" role="status"><p>L&#x27;invitation est envoyée');
    expect(person.html).toContain('Membre du jury<span class="role-scope"> · Makers : économie circulaire');
    await t.sendMail();
    const mail = smtp.to('nina@example.org').at(-1)!;
    expect(mail.subject).toContain('Invitation');
    expect(linkIn(mail, '/sign-in/link/')).toContain(`${city.host}`);
  });

  it("gives and removes one role, and never the last staff grant nor one's own", async () => {
    const person = await createPerson(t, city, 'juror', { email: 'roles@example.org', programmeId });
    const page = await html(`/staff/people/${person.userId}`);
    const granted = await post(`/staff/people/${person.userId}/roles`, page.csrf, { role: 'coach', programmeId: '' });
    expect(granted.headers.location).toBe(`/staff/people/${person.userId}?done=granted`);
    expect((await grantsOf(person.userId)).map((g) => g.role)).toEqual(['juror', 'coach']);
    const jurorGrant = (await grantsOf(person.userId))[0];
    // The person's page links to a confirmation that names the role, the programme and what stays.
    expect(page.html).toContain(`href="/staff/people/${person.userId}/roles/${jurorGrant.id}/remove"`);
    const confirm = await html(`/staff/people/${person.userId}/roles/${jurorGrant.id}/remove`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Retirer le rôle Membre du jury (');
    expect(confirm.html).toContain('Ses autres rôles restent : Coach');
    expect(confirm.html).toContain(`action="/staff/people/${person.userId}/roles/${jurorGrant.id}/remove"`);
    expect((await grantsOf(person.userId)).length).toBe(2);
    expect((await html(`/staff/people/${person.userId}/roles/00000000-0000-4000-8000-000000000000/remove`)).status).toBe(404);
    const removed = await post(`/staff/people/${person.userId}/roles/${jurorGrant.id}/remove`, page.csrf);
    expect(removed.headers.location).toBe(`/staff/people/${person.userId}?done=roleRevoked`);
    expect((await html(removed.headers.location)).html).toContain('Le rôle est retiré.');
    expect((await grantsOf(person.userId)).map((g) => g.role)).toEqual(['coach']);
    const audit = await t.ds.query("SELECT data FROM audit_entry WHERE action = 'person.role_revoked' AND subject_id = $1", [person.userId]);
    expect(audit[0].data).toMatchObject({ role: 'juror', programmeId });
    // The same through the API; a grant already gone is 404.
    const coachGrant = (await grantsOf(person.userId))[0];
    await t.http().delete(`/api/people/${person.userId}/roles/${coachGrant.id}`).set(staff.headers).expect(204);
    expect((await t.http().delete(`/api/people/${person.userId}/roles/${coachGrant.id}`).set(staff.headers)).body.code).toBe('GRANT_NOT_FOUND');

    const own = (await grantsOf(staff.userId))[0];
    const self = await t.http().delete(`/api/people/${staff.userId}/roles/${own.id}`).set(staff.headers);
    expect([self.status, self.body.code]).toEqual([409, 'OWN_STAFF_GRANT']);
    const selfPage = await post(`/staff/people/${staff.userId}/roles/${own.id}/remove`, page.csrf);
    expect(selfPage.status).toBe(409);
    expect(selfPage.text).toContain('Vous ne pouvez pas retirer votre propre rôle');
    // Another authority with a single staff member: someone else (a platform admin) cannot remove it either.
    const town = await createTenant(t);
    const only = await createPerson(t, town, 'staff');
    const [onlyGrant] = await grantsOf(only.userId);
    await expect(
      t.app
        .get(AuthService)
        .revokeRole(
          town.tenant.id,
          { userId: staff.userId, email: 'x', displayName: 'x', roles: ['platform_admin'], programmeRoles: {}, via: 'token' },
          only.userId,
          onlyGrant.id,
        ),
    ).rejects.toMatchObject({ code: 'LAST_STAFF_GRANT' });
    // With a second staff member, one of them may go.
    const colleague = await createPerson(t, city, 'staff');
    const [colleagueGrant] = await grantsOf(colleague.userId);
    await t.http().delete(`/api/people/${colleague.userId}/roles/${colleagueGrant.id}`).set(staff.headers).expect(204);
  });

  it("removes all access after a confirmation page that says what happens; the person's token then answers 401", async () => {
    const person = await createPerson(t, city, 'coach', { email: 'leaving@example.org' });
    await t.http().get('/api/me').set(person.headers).expect(200);
    const personPage = await html(`/staff/people/${person.userId}`);
    expect(personPage.html).toContain('Jeton d&#x27;API (test)');
    const confirm = await html(`/staff/people/${person.userId}/remove`);
    expect(confirm.html).toContain('Retirer tout accès à leaving ?');
    expect(confirm.html).toContain('actifs en ce moment : 1');
    expect(confirm.html).toContain('elle garde son compte (leaving@example.org)');
    expect(confirm.html).toContain('l&#x27;historique est conservé');
    const done = await post(`/staff/people/${person.userId}/remove`, confirm.csrf);
    expect(done.headers.location).toBe('/staff/people?done=accessRemoved');
    expect((await html(done.headers.location)).html).toContain('Tout accès est retiré');
    await t.http().get('/api/me').set(person.headers).expect(401);
    expect(await grantsOf(person.userId)).toEqual([]);
    expect((await t.ds.query('SELECT 1 FROM app_user WHERE id = $1', [person.userId])).length).toBe(1);
  });

  it("ends one session from the person's page", async () => {
    const person = await createPerson(t, city, 'partner', { programmeId });
    const [session] = (await t.http().get(`/api/people/${person.userId}/sessions`).set(staff.headers).expect(200)).body;
    const page = await html(`/staff/people/${person.userId}`);
    const ended = await post(`/staff/people/${person.userId}/sessions/${session.id}/end`, page.csrf);
    expect(ended.headers.location).toBe(`/staff/people/${person.userId}?done=sessionEnded`);
    await t.http().get('/api/me').set(person.headers).expect(401);
  });

  it('resends an invitation, at most one e-mail a minute', async () => {
    const person = await createPerson(t, city, 'juror', { email: 'again@example.org', programmeId });
    const page = await html(`/staff/people/${person.userId}`);
    const sent = await post(`/staff/people/${person.userId}/invitation`, page.csrf);
    expect(sent.headers.location).toBe(`/staff/people/${person.userId}?done=invitationSent`);
    const tooSoon = await post(`/staff/people/${person.userId}/invitation`, page.csrf);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.text).toContain('il y a moins d’une minute');
    t.clock.advance(61_000);
    await t.http().post(`/api/people/${person.userId}/invitation`).set(staff.headers).expect(202);
    await t.sendMail();
    const mails = smtp.to('again@example.org');
    expect(mails).toHaveLength(2);
    expect(mails[1].text).toContain('/sign-in/link/');
    const audit = await t.ds.query("SELECT count(*)::int AS n FROM audit_entry WHERE action = 'person.invitation_resent' AND subject_id = $1", [person.userId]);
    expect(audit[0].n).toBe(2);
  });

  it("answers 404 for another authority's person and 403 to a juror", async () => {
    const other = await createTenant(t);
    const stranger = await createPerson(t, other, 'staff');
    const [strangerGrant] = await grantsOf(stranger.userId);
    expect((await html(`/staff/people/${stranger.userId}`)).status).toBe(404);
    expect((await html(`/staff/people/${stranger.userId}/remove`)).status).toBe(404);
    await t.http().delete(`/api/people/${stranger.userId}/roles/${strangerGrant.id}`).set(staff.headers).expect(404);
    await t.http().post(`/api/people/${stranger.userId}/invitation`).set(staff.headers).expect(404);
    expect((await t.http().get('/api/people?q=').set(staff.headers)).body.items.map((p: { id: string }) => p.id)).not.toContain(stranger.userId);
    expect(await grantsOf(stranger.userId)).toHaveLength(1);

    const juror = await createPerson(t, city, 'juror', { programmeId });
    await t.http().get('/api/people').set(juror.headers).expect(403);
    await t.http().post(`/api/people/${staff.userId}/invitation`).set(juror.headers).expect(403);
    await t.http().get('/staff/people').set(juror.headers).set('Accept', 'text/html').expect(403);
  });
});
