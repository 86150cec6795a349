import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

/**
 * Security review, finding 9: an applicant could make the authority e-mail anyone by typing their
 * address as the application's contact. Now the receipt goes to the applicant's own (verified)
 * address, and another contact address receives nothing but one confirmation link until it is used.
 */
describe('application contact address', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function draft(maker: TestPerson, email: string): Promise<string> {
    const started = await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201);
    const saved = await t
      .http()
      .patch(`/api/applications/${started.body.id}`)
      .set(maker.headers)
      .send({ ...COMPLETE_APPLICATION, email });
    expect(saved.status).toBe(200);
    return started.body.id;
  }

  it("sends the receipt to the applicant's own address, never to an unconfirmed one", async () => {
    const maker = await createPerson(t, city, null);
    const victim = `victim-${Date.now()}@example.org`;
    const id = await draft(maker, victim);
    const read = await t.http().get(`/api/applications/${id}`).set(maker.headers).expect(200);
    expect(read.body.email).toBe(maker.email);
    expect(read.body.pendingEmail).toBe(victim);

    // Saving again with the same address does not send a second confirmation.
    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send({ email: victim.toUpperCase() }).expect(200);
    await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);
    await t.sendMail();

    const toVictim = smtp.to(victim);
    expect(toVictim).toHaveLength(1);
    expect(toVictim[0].subject).toContain('Confirmez votre adresse');
    expect(toVictim[0].text).not.toContain(COMPLETE_APPLICATION.summary);
    const receipts = smtp.to(maker.email).filter((m) => m.subject.startsWith('Candidature reçue'));
    expect(receipts).toHaveLength(1);

    // Staff decisions follow the confirmed address too.
    await t.http().post(`/api/applications/${id}/decision`).set(staff.headers).send({ decision: 'eligible', reason: 'Conforme' }).expect(200);
    await t.sendMail();
    expect(smtp.to(victim)).toHaveLength(1);
  });

  it("moves the application's e-mails to a contact address once its link is confirmed, once", async () => {
    const maker = await createPerson(t, city, null);
    const colleague = `colleague-${Date.now()}@example.org`;
    const id = await draft(maker, colleague);
    await t.sendMail();
    const link = new URL(linkIn(smtp.to(colleague).at(-1)!, '/applications/contact-email/'));
    expect(link.origin).toBe(`http://${city.host}`);

    // Opening the link (a mail scanner) confirms nothing; the button does.
    const browser = t.http();
    const shown = await openPage(browser, city.host, link.pathname);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain(colleague);
    expect((await t.http().get(`/api/applications/${id}`).set(maker.headers)).body.pendingEmail).toBe(colleague);
    const confirmed = await browser.post(link.pathname).set('Host', city.host).type('form').send({ _csrf: shown.csrf });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('Adresse confirmée');
    const again = await browser.post(link.pathname).set('Host', city.host).type('form').send({ _csrf: shown.csrf });
    expect(again.status).toBe(400);

    const read = await t.http().get(`/api/applications/${id}`).set(maker.headers);
    expect(read.body).toMatchObject({ email: colleague, pendingEmail: null });
    await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);
    await t.sendMail();
    expect(smtp.to(colleague).filter((m) => m.subject.startsWith('Candidature reçue'))).toHaveLength(1);
  });

  it('confirms through the API, and refuses unknown or expired tokens', async () => {
    const maker = await createPerson(t, city, null);
    const other = `other-${Date.now()}@example.org`;
    const id = await draft(maker, other);
    await t.sendMail();
    const token = linkIn(smtp.to(other).at(-1)!, '/applications/contact-email/').split('/').pop()!;
    const bad = await t
      .http()
      .post('/api/applications/contact-email/confirm')
      .set('Host', city.host)
      .send({ token: 'x'.repeat(43) });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('CONTACT_EMAIL_LINK_INVALID');
    t.clock.advance(8 * 86_400_000);
    const expired = await t.http().post('/api/applications/contact-email/confirm').set('Host', city.host).send({ token });
    expect(expired.status).toBe(400);
    t.clock.advance(-8 * 86_400_000);
    const ok = await t.http().post('/api/applications/contact-email/confirm').set('Host', city.host).send({ token });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ applicationId: id, email: other });
    // Typing one's own address back needs no confirmation.
    const back = await t.http().patch(`/api/applications/${id}`).set(maker.headers).send({ email: maker.email }).expect(200);
    expect(back.body).toMatchObject({ email: maker.email, pendingEmail: null });
  });

  it('limits how many confirmation links one application can send', async () => {
    const maker = await createPerson(t, city, null);
    const started = await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (
          await t
            .http()
            .patch(`/api/applications/${started.body.id}`)
            .set(maker.headers)
            .send({ email: `spam-${i}-${Date.now()}@example.org` })
        ).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
