import { LaureatesQuery } from '../../src/jury/laureates.query.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror, type EligibleApplication } from '../factories/jury.js';
import { openPage, signInByPassword } from '../setup/pages.js';
import { TEST_PLAN } from '../factories/coaching.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

/**
 * Issue 19, point 2: after the announcement a laureate is withdrawn and the next on the waiting list
 * promoted, respecting the quota, once however many clicks; the results page keeps the history.
 * Five applications (A1, A3, A5 "repair"; A2, A4 "reuse"), five jurors whose favourites rank them
 * A1 > A3 > A5 > A2 > A4; 2 laureates with at least one "reuse": A1 and A2 (quota), waiting A3, A5, A4.
 */
describe('jury: withdrawal and the waiting list', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let apps: EligibleApplication[];
  const A = (n: number) => apps[n - 1];
  const base = () => `/api/programmes/${programme.id}/jury`;
  const laureateIds = async () =>
    (await t.app.get(LaureatesQuery).ofProgramme(null, city.tenant.id, programme.id, 'rank_then_title')).map((l) => l.applicationId).sort();
  const audits = async (action: string, subjectId: string) =>
    (await t.ds.query(`SELECT data FROM audit_entry WHERE action = $1 AND subject_id = $2`, [action, subjectId])) as Array<{ data: Record<string, unknown> }>;

  let browserOfStaff: ReturnType<TestApp['http']> | null = null;
  /** A browser signed in as staff (pages use the session cookie and CSRF tokens). */
  async function signedInStaff(): Promise<ReturnType<TestApp['http']>> {
    if (browserOfStaff) return browserOfStaff;
    const browser = await signInByPassword(t, city, { userId: staff.userId, email: 'agent@city.test' });
    browserOfStaff = browser;
    return browser;
  }

  /** A programme announced with A1 and A2 laureates and A3, A5, A4 waiting (see above). */
  async function announcedWithWaitingList(prefix: string): Promise<{ programme: Programme; apps: EligibleApplication[] }> {
    const p = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, p.id);
    const list = await createEligibleApplications(t, city, p.id, 5, { prefix });
    const jury = `/api/programmes/${p.id}/jury`;
    await t
      .http()
      .put(`${jury}/settings`)
      .set(staff.headers)
      .send({ method: 'favourites', maxFavourites: 5, laureates: 2, waitingList: 3, quotas: [{ dimension: 'category', group: 'reuse', min: 1 }] })
      .expect(200);
    const picks = [[1, 3, 5, 2, 4], [1, 3, 5, 2], [1, 3, 5], [1, 3], [1]];
    const jurors = [];
    for (let i = 0; i < picks.length; i++) jurors.push(await inviteJuror(t, city, staff, p.id, { email: `${prefix}-juror${i}@partner.example` }));
    await t.http().post(`${jury}/vote/open`).set(staff.headers).expect(200);
    for (let i = 0; i < picks.length; i++) {
      await t
        .http()
        .put(`${jury}/me/favourites`)
        .set(jurors[i].headers)
        .send({ applicationIds: picks[i].map((n) => list[n - 1].id) })
        .expect(200);
    }
    await t.http().post(`${jury}/vote/close`).set(staff.headers).expect(200);
    await t.http().post(`${jury}/laureates`).set(staff.headers).send({}).expect(200);
    await t.http().post(`${jury}/announce`).set(staff.headers).expect(200);
    return { programme: p, apps: list };
  }

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-06-10T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@city.test' });
    ({ programme, apps } = await announcedWithWaitingList('wl'));
    await t.sendMail();
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('confirmed the expected laureates and waiting list', async () => {
    expect(await laureateIds()).toEqual([A(1).id, A(2).id].sort());
  });

  it('nothing to promote while no place is open', async () => {
    const res = await t.http().post(`${base()}/waiting-list/promote`).set(staff.headers);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('JURY_NO_OPEN_PLACE');
  });

  it('withdraws a laureate with a reason: once, audited, e-mailed once, gone from the laureates', async () => {
    const short = await t
      .http()
      .post(`${base()}/laureates/${A(2).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'non' });
    expect(short.status).toBe(400);
    const res = await t
      .http()
      .post(`${base()}/laureates/${A(2).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Le projet a été abandonné par la structure.' })
      .expect(200);
    expect(res.body.status).toBe('withdrawn');
    expect(res.body.withdrawnReason).toBe('Le projet a été abandonné par la structure.');
    // Repeated: nothing changes, no second e-mail.
    await t
      .http()
      .post(`${base()}/laureates/${A(2).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Le projet a été abandonné par la structure.' })
      .expect(200);
    await t.sendMail();
    expect(smtp.to(A(2).email).filter((m) => /n'est plus lauréat/.test(m.subject))).toHaveLength(1);
    expect(await audits('jury.laureate_withdrawn', A(2).id)).toHaveLength(1);
    expect(await laureateIds()).toEqual([A(1).id]);
    // Not a laureate: refused.
    const notLaureate = await t
      .http()
      .post(`${base()}/laureates/${A(3).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Une raison assez longue' });
    expect(notLaureate.body.code).toBe('JURY_NOT_A_LAUREATE');
  });

  it('two promotions at once promote one: the first of the group the quota now lacks (A4, not A3)', async () => {
    const results = await Promise.all([1, 2].map(() => t.http().post(`${base()}/waiting-list/promote`).set(staff.headers)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.body.applicationId).toBe(A(4).id);
    expect(ok.body.status).toBe('laureate');
    expect(ok.body.promotedFromPosition).toBe(3);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('JURY_NO_OPEN_PLACE');
    expect(await laureateIds()).toEqual([A(1).id, A(4).id].sort());
    await t.sendMail();
    expect(smtp.to(A(4).email).filter((m) => /votre projet est lauréat/.test(m.subject))).toHaveLength(1);
    expect((await audits('jury.laureate_promoted', A(4).id))[0].data).toMatchObject({ fromPosition: 3, reason: 'quota' });
    // The others keep their positions.
    const outcomes = (await t.http().get(`${base()}/results`).set(staff.headers).expect(200)).body.outcomes as Array<{
      applicationId: string;
      waitingPosition: number;
    }>;
    expect(outcomes.find((o) => o.applicationId === A(3).id)!.waitingPosition).toBe(1);
    expect(outcomes.find((o) => o.applicationId === A(5).id)!.waitingPosition).toBe(2);
  });

  it('without a short quota the lowest position is promoted; an empty list answers 409', async () => {
    await t
      .http()
      .post(`${base()}/laureates/${A(1).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Le porteur a déménagé.', byLaureate: true })
      .expect(200);
    expect((await t.http().post(`${base()}/waiting-list/promote`).set(staff.headers).expect(200)).body.applicationId).toBe(A(3).id);
    await t
      .http()
      .post(`${base()}/laureates/${A(3).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Financement trouvé ailleurs.' })
      .expect(200);
    expect((await t.http().post(`${base()}/waiting-list/promote`).set(staff.headers).expect(200)).body.applicationId).toBe(A(5).id);
    await t
      .http()
      .post(`${base()}/laureates/${A(5).id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Financement trouvé ailleurs.' })
      .expect(200);
    const empty = await t.http().post(`${base()}/waiting-list/promote`).set(staff.headers);
    expect(empty.status).toBe(409);
    expect(empty.body.code).toBe('JURY_WAITING_LIST_EMPTY');
  });

  it('the staff pages: withdraw through the confirmation form (303), the history in fr and en', async () => {
    const browser = await signedInStaff();
    const jury = `/staff/programmes/${programme.id}/jury`;
    const form = await openPage(browser, city.host, `${jury}/laureates/${A(4).id}/withdraw`);
    expect(form.html).toContain('Retirer un lauréat ?');
    const refused = await browser
      .post(`${jury}/laureates/${A(4).id}/withdraw`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, reason: '' });
    expect(refused.status).toBe(400);
    await browser
      .post(`${jury}/laureates/${A(4).id}/withdraw`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, reason: 'Le porteur renonce au programme.', byLaureate: 'yes' })
      .expect(303);
    const fr = await openPage(browser, city.host, `${jury}?saved=withdrawn`);
    expect(fr.html).toContain('Le lauréat est retiré.');
    expect(fr.html).toContain('Le porteur renonce au programme.');
    expect(fr.html).toContain('s&#x27;est désisté le');
    expect(fr.html).toContain('retiré par l&#x27;équipe le');
    expect(fr.html).toContain('promu depuis la liste d&#x27;attente (position 3) le');
    const en = await openPage(browser, city.host, `${jury}?lang=en`);
    expect(en.html).toContain('Laureates after the announcement');
    expect(en.html).toContain('promoted from the waiting list (position 3) on');
    expect(en.html).toContain('withdrawn by staff on');
  });

  it('once coaching has started, a withdrawn laureate leaves its lists and the promoted one gets a schedule at once', async () => {
    const other = await announcedWithWaitingList('wc');
    const id = other.programme.id;
    await t.http().put(`/api/programmes/${id}/coaching/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
    await t.http().post(`/api/programmes/${id}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Coaching starts' }).expect(201);
    const listed = async () =>
      (
        (await t.http().get(`/api/programmes/${id}/coaching/laureates`).set(staff.headers).expect(200)).body.laureates as Array<{
          laureate: { applicationId: string };
          milestones: unknown[];
        }>
      ).map((l) => ({ applicationId: l.laureate.applicationId, milestones: l.milestones.length }));
    expect((await listed()).map((l) => l.applicationId).sort()).toEqual([other.apps[0].id, other.apps[1].id].sort());
    await t
      .http()
      .post(`/api/programmes/${id}/jury/laureates/${other.apps[1].id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Le porteur renonce.' })
      .expect(200);
    expect((await listed()).map((l) => l.applicationId)).toEqual([other.apps[0].id]);
    // Promoted from the staff page: the confirmation names who, the button promotes (303 back to the page).
    const browser = await signedInStaff();
    const page = await openPage(browser, city.host, `/staff/programmes/${id}/jury`);
    expect(page.html).toContain(`/staff/programmes/${id}/jury/waiting-list/promote`);
    const confirm = await openPage(browser, city.host, `/staff/programmes/${id}/jury/waiting-list/promote`);
    expect(confirm.html).toContain(other.apps[3].receiptNumber);
    await browser.post(`/staff/programmes/${id}/jury/waiting-list/promote`).set('Host', city.host).type('form').send({ _csrf: confirm.csrf }).expect(303);
    const again = await browser.post(`/staff/programmes/${id}/jury/waiting-list/promote`).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(again.status).toBe(409);
    // The browser chose English on the history page above.
    expect(again.text).toContain('No place is open: a laureate must be withdrawn first.');
    const after = await listed();
    expect(after.map((l) => l.applicationId).sort()).toEqual([other.apps[0].id, other.apps[3].id].sort());
    expect(after.find((l) => l.applicationId === other.apps[3].id)!.milestones).toBe(TEST_PLAN.length);
    // Past the campaign's start nothing changes any more.
    await t.ds.query(`UPDATE programme SET phase = 'campaign' WHERE id = $1`, [id]);
    const closed = await t
      .http()
      .post(`/api/programmes/${id}/jury/laureates/${other.apps[0].id}/withdraw`)
      .set(staff.headers)
      .send({ reason: 'Trop tard pour cela.' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('JURY_CHANGES_CLOSED');
  });
});
