import { createCall, createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Issue 23, item 2: the steps people take on pages have JSON routes, so that the API alone runs a
 * programme: a newcomer applicant registers (name + e-mail → a sign-in link), an invited juror accepts
 * the invitation, and both exchange their link for a bearer token.
 */
describe('JSON routes for the steps of the pages', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programmeId: string;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    const programme = await createProgramme(t, city, staff, { phase: 'draft' });
    programmeId = programme.id;
    await createCall(t, city, staff, programmeId);
    await t.http().post(`/api/programmes/${programmeId}/transitions`).set(staff.headers).send({ to: 'call_open', reason: 'The call opens' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const tokenOf = (email: string, fragment = '/sign-in/link/') => linkIn(smtp.to(email).at(-1)!, fragment).split('/').pop()!;

  it('registers a newcomer applicant with a name and an e-mail address, who then applies with the e-mailed link', async () => {
    const email = 'camille.newcomer@example.org';
    const res = await t.http().post(`/api/programmes/${programmeId}/applicants`).set('Host', city.host).send({ name: 'Camille Martin', email });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    await t.sendMail();
    const consumed = await t
      .http()
      .post('/api/auth/sign-in-links/consume')
      .set('Host', city.host)
      .send({ token: tokenOf(email) });
    expect(consumed.status).toBe(201);
    expect(consumed.body.token).toMatch(/^tpl_/);
    expect(consumed.body.next).toMatch(/\/apply$/);
    const headers = { Host: city.host, Authorization: `Bearer ${consumed.body.token as string}` };
    const me = await t.http().get('/api/me').set(headers);
    expect(me.status).toBe(200);
    const started = await t.http().post(`/api/programmes/${programmeId}/applications`).set(headers).send({});
    expect(started.status).toBe(201);
  });

  it('refuses a registration without a name, or for a programme not open to the public', async () => {
    const bad = await t.http().post(`/api/programmes/${programmeId}/applicants`).set('Host', city.host).send({ email: 'someone@example.org' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    const draft = await createProgramme(t, city, staff);
    const hidden = await t.http().post(`/api/programmes/${draft.id}/applicants`).set('Host', city.host).send({ name: 'A', email: 'a@example.org' });
    expect(hidden.status).toBe(404);
  });

  it('lets an invited juror accept the invitation as JSON and act as a juror', async () => {
    const email = 'dominique.juror@example.org';
    const invited = await t.http().post(`/api/programmes/${programmeId}/jury/members`).set(staff.headers).send({ email, displayName: 'Dominique Juror' });
    expect(invited.status).toBe(201);
    await t.sendMail();
    const accepted = await t
      .http()
      .post('/api/auth/invitations/accept')
      .set('Host', city.host)
      .send({ token: tokenOf(email) });
    expect(accepted.status).toBe(200);
    expect(accepted.body.token).toMatch(/^tpl_/);
    expect(accepted.body.roles).toContainEqual({ role: 'juror', programmeId });
    const mine = await t
      .http()
      .get(`/api/programmes/${programmeId}/jury/me`)
      .set({ Host: city.host, Authorization: `Bearer ${accepted.body.token as string}` });
    expect(mine.status).toBe(200);
    // The link works once.
    const again = await t
      .http()
      .post('/api/auth/invitations/accept')
      .set('Host', city.host)
      .send({ token: tokenOf(email) });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('SIGN_IN_LINK_INVALID');
  });
});
