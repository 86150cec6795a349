import ExcelJS from 'exceljs';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror, type EligibleApplication, type TestJuror } from '../factories/jury.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

describe('jury: favourites, like the reference call (10 jurors x 10 picks among 40)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let apps: EligibleApplication[];
  let jurors: TestJuror[];
  const base = () => `/api/programmes/${programme.id}/jury`;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-06-10T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    apps = await createEligibleApplications(t, city, programme.id, 40);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('composes the jury, runs the vote, proposes, confirms with a justified override and announces', async () => {
    await t
      .http()
      .put(`${base()}/settings`)
      .set(staff.headers)
      .send({ method: 'favourites', maxFavourites: 10, laureates: 10, waitingList: 3, blindReview: true })
      .expect(200);
    const bad = await t.http().put(`${base()}/settings`).set(staff.headers).send({ method: 'favourites', maxFavourites: 0, surprise: 1 });
    expect(bad.status).toBe(400);

    jurors = [];
    for (let i = 0; i < 10; i++) {
      jurors.push(
        await inviteJuror(t, city, staff, programme.id, {
          email: `juror${i}@partner.example`,
          organisation: `Partenaire ${i}`,
          weight: i === 0 ? 2 : undefined,
        }),
      );
    }
    const overview = await t.http().get(base()).set(staff.headers).expect(200);
    expect(overview.body.members).toHaveLength(10);
    expect(overview.body.members.find((m: { email: string }) => m.email === 'juror0@partner.example').weight).toBe(2);
    await t.sendMail();
    expect(smtp.to('juror3@partner.example')).toHaveLength(1);
    expect(smtp.to('juror3@partner.example')[0].text).toContain('/sign-in/link/');

    // A conflict declared before the vote opens keeps that application out of the juror's assignment.
    await t.http().post(`${base()}/me/conflicts`).set(jurors[1].headers).send({ applicationId: apps[0].id, reason: 'My cousin' }).expect(204);
    // Ballots wait for the vote to open.
    const early = await t
      .http()
      .put(`${base()}/me/favourites`)
      .set(jurors[0].headers)
      .send({ applicationIds: [apps[1].id] });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('JURY_VOTE_NOT_OPEN');

    const opened = await t.http().post(`${base()}/vote/open`).set(staff.headers).expect(200);
    expect(opened.body.status).toBe('open');
    expect(opened.body.applicationIds).toHaveLength(40);
    const settingsLocked = await t.http().put(`${base()}/settings`).set(staff.headers).send({ method: 'borda' });
    expect(settingsLocked.body.code).toBe('JURY_SETTINGS_LOCKED');

    const mine = await t.http().get(`${base()}/me`).set(jurors[1].headers).expect(200);
    expect(mine.body.items).toHaveLength(39);
    expect(mine.body.items.some((i: { applicationId: string }) => i.applicationId === apps[0].id)).toBe(false);
    expect(mine.body.conflicts).toEqual([{ applicationId: apps[0].id, title: apps[0].title, titleLang: 'fr', receiptNumber: apps[0].receiptNumber }]);
    expect(mine.body.progress).toEqual({ assigned: 39, evaluated: 0, expected: 10 });

    // Blind review: the juror reads the project, not who is behind it.
    const read = await t.http().get(`${base()}/me/applications/${apps[5].id}`).set(jurors[2].headers).expect(200);
    expect(read.body.title).toBe(apps[5].title);
    expect(read.body).not.toHaveProperty('applicantName');
    expect(read.body).not.toHaveProperty('email');
    expect(JSON.stringify(read.body)).not.toContain(apps[5].email);

    const onConflict = await t.http().put(`${base()}/me/ballots/${apps[0].id}`).set(jurors[1].headers).send({ picked: true });
    expect(onConflict.status).toBe(409);
    expect(onConflict.body.code).toBe('JURY_CONFLICT_DECLARED');
    const tooMany = await t
      .http()
      .put(`${base()}/me/favourites`)
      .set(jurors[0].headers)
      .send({ applicationIds: apps.slice(0, 11).map((a) => a.id) });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.code).toBe('BALLOT_TOO_MANY_FAVOURITES');
    const wrongKind = await t
      .http()
      .put(`${base()}/me/ballots/${apps[3].id}`)
      .set(jurors[0].headers)
      .send({ scores: { a: 1 } });
    expect(wrongKind.body.code).toBe('JURY_WRONG_METHOD');

    // Juror i picks applications i..i+9 (juror 9 only picks 5): the middle ones collect the most picks.
    for (let i = 0; i < 10; i++) {
      const picks = apps.slice(i + 2, i + 2 + (i === 9 ? 5 : 10)).map((a) => a.id);
      await t.http().put(`${base()}/me/favourites`).set(jurors[i].headers).send({ applicationIds: picks }).expect(200);
    }
    // Changing one's mind one application at a time, then repeating the same request: recorded once.
    await t.http().put(`${base()}/me/ballots/${apps[2].id}`).set(jurors[0].headers).send({ picked: false, comment: 'Second thoughts' }).expect(200);
    await t.http().put(`${base()}/me/ballots/${apps[30].id}`).set(jurors[0].headers).send({ picked: true }).expect(200);
    await t.http().put(`${base()}/me/ballots/${apps[30].id}`).set(jurors[0].headers).send({ picked: true }).expect(200);
    const events = await t.ds.query(`SELECT kind FROM jury_ballot_event WHERE member_id = $1 ORDER BY id`, [jurors[0].memberId]);
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['favourites', 'unpick', 'pick']);
    await expect(t.ds.query(`UPDATE jury_ballot_event SET kind = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM jury_ballot_event`)).rejects.toThrow(/append-only/);

    // One confirmation e-mail per juror for this burst of changes.
    await t.sendMail();
    expect(smtp.to('juror0@partner.example').filter((m) => /vote est enregistré/.test(m.subject))).toHaveLength(1);

    // Jurors never see results or other ballots.
    expect((await t.http().get(`${base()}/results`).set(jurors[0].headers)).status).toBe(403);
    expect((await t.http().get(`${base()}/progress`).set(jurors[0].headers)).status).toBe(403);
    const tooSoon = await t.http().get(`${base()}/results`).set(staff.headers);
    expect(tooSoon.body.code).toBe('JURY_VOTE_NOT_CLOSED');

    const progress = await t.http().get(`${base()}/progress`).set(staff.headers).expect(200);
    const late = progress.body.jurors.filter((j: { complete: boolean }) => !j.complete);
    expect(late.map((j: { memberId: string }) => j.memberId)).toEqual([jurors[9].memberId]);
    const r1 = await t.http().post(`${base()}/reminders`).set(staff.headers).set('Idempotency-Key', 'remind-0001').expect(200);
    const r2 = await t.http().post(`${base()}/reminders`).set(staff.headers).set('Idempotency-Key', 'remind-0001').expect(200);
    expect([r1.body.reminded, r2.body.reminded]).toEqual([1, 0]);
    await t.sendMail();
    expect(smtp.to('juror9@partner.example').filter((m) => /attend votre vote/.test(m.subject))).toHaveLength(1);

    // The programme cannot be announced while the vote is open.
    const blocked = await t.http().post(`/api/programmes/${programme.id}/transitions`).set(staff.headers).send({ to: 'announced', reason: 'too early' });
    expect(blocked.status).toBe(409);

    await t.http().post(`${base()}/vote/close`).set(staff.headers).expect(200);
    const after = await t
      .http()
      .put(`${base()}/me/favourites`)
      .set(jurors[3].headers)
      .send({ applicationIds: [apps[4].id] });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('VOTE_CLOSED');

    const results = await t.http().get(`${base()}/results`).set(staff.headers).set('Accept-Language', 'en').expect(200);
    expect(results.body.ranking).toHaveLength(40);
    const top = results.body.ranking[0];
    // Each explanation: its code, its figures, and its sentence in the reader's language.
    expect(top.method).toMatchObject({ code: 'FAVOURITES', figures: expect.any(Object) });
    expect(top.method.text).toMatch(/Picked as a favourite by \d+ jurors?;/);
    const inFrench = await t.http().get(`${base()}/results`).set(staff.headers).set('Accept-Language', 'fr').expect(200);
    expect(inFrench.body.ranking[0].selection.text).toMatch(/lauréat/);
    expect(results.body.proposal.laureates).toHaveLength(10);
    expect(results.body.proposal.waitingList).toHaveLength(3);
    // Applications nobody picked are tied at 0 and flagged.
    const zero = results.body.ranking.filter((r: { score: number }) => r.score === 0);
    expect(zero.length).toBeGreaterThan(1);
    expect(zero.every((r: { tied: boolean }) => r.tied)).toBe(true);
    // Same ballots, same result.
    const again = await t.http().get(`${base()}/results`).set(staff.headers).set('Accept-Language', 'en').expect(200);
    expect(again.body.ranking).toEqual(results.body.ranking);

    // Override without a justification is refused; with one, it is confirmed and audited.
    const proposal = results.body.proposal;
    const outsider = results.body.ranking[20].applicationId;
    const override = { laureates: [...proposal.laureates.slice(0, 9), outsider], waitingList: proposal.waitingList };
    const unjustified = await t.http().post(`${base()}/laureates`).set(staff.headers).send(override);
    expect(unjustified.status).toBe(400);
    expect(unjustified.body.code).toBe('JURY_OVERRIDE_JUSTIFICATION_REQUIRED');
    const confirmed = await t
      .http()
      .post(`${base()}/laureates`)
      .set(staff.headers)
      .send({ ...override, justification: 'Only project from the northern district; the council wants territorial balance.' })
      .expect(200);
    expect(confirmed.body.outcomes.filter((o: { status: string }) => o.status === 'laureate')).toHaveLength(10);
    expect(confirmed.body.outcomes.find((o: { applicationId: string }) => o.applicationId === outsider)).toMatchObject({
      status: 'laureate',
      overridden: true,
    });
    const audit = await t.ds.query(`SELECT data FROM audit_entry WHERE action = 'jury.laureates_overridden' AND subject_id = $1`, [programme.id]);
    expect(audit[0].data.justification).toMatch(/territorial balance/);

    // Exports, after the close.
    const csv = await t.http().get(`${base()}/export/ballots.csv`).set(staff.headers).expect(200);
    expect(csv.text).toContain('J01');
    expect(csv.text).not.toContain('juror0');
    expect(csv.text).not.toContain('Partenaire');
    const evalCsv = await t.http().get(`${base()}/export/evaluations?format=csv`).set(staff.headers).expect(200);
    expect(evalCsv.text).toContain('Second thoughts');
    const xlsx = await t
      .http()
      .get(`${base()}/export/evaluations?format=xlsx`)
      .set(staff.headers)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    expect(book.worksheets[0].rowCount).toBeGreaterThan(90);

    // Announce: the programme moves to `announced`, and every applicant gets their e-mail, once.
    const announced = await t.http().post(`${base()}/announce`).set(staff.headers).expect(200);
    expect(announced.body.announcedAt).toBeTruthy();
    const p = await t.http().get(`/api/programmes/${programme.id}`).set(staff.headers).expect(200);
    expect(p.body.phase).toBe('announced');
    expect((await t.http().post(`${base()}/announce`).set(staff.headers)).body.code).toBe('JURY_ALREADY_ANNOUNCED');
    await t.sendMail();
    expect(smtp.to(apps.find((a) => a.id === outsider)!.email)[0].subject).toMatch(/votre projet est lauréat/);
    const waitingId = proposal.waitingList[0];
    expect(smtp.to(apps.find((a) => a.id === waitingId)!.email)[0].subject).toMatch(/liste d'attente/);
    const outcomeMails = apps.flatMap((a) => smtp.to(a.email));
    expect(outcomeMails).toHaveLength(40);
  });

  it('answers 404 to another tenant and to an unknown programme', async () => {
    const other = await createTenant(t);
    const otherStaff = await createPerson(t, other, 'staff');
    expect((await t.http().get(`/api/programmes/${programme.id}/jury`).set(otherStaff.headers)).status).toBe(404);
    expect((await t.http().get(`/api/programmes/00000000-0000-4000-8000-000000000000/jury`).set(staff.headers)).status).toBe(404);
  });
});

describe('jury: scored criteria with k jurors per application', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let apps: EligibleApplication[];
  const base = () => `/api/programmes/${programme.id}/jury`;

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    apps = await createEligibleApplications(t, city, programme.id, 6, { prefix: 'sc' });
  });
  afterAll(() => t.close());

  it('assigns k jurors, checks scores against the scale, keeps one ballot per juror and application, and explains the result', async () => {
    await t
      .http()
      .put(`${base()}/settings`)
      .set(staff.headers)
      .send({
        method: 'scored_criteria',
        normalisation: 'z_score',
        jurorsPerApplication: 2,
        laureates: 2,
        waitingList: 1,
        quotas: [{ dimension: 'category', group: 'reuse', min: 1 }],
        criteria: [
          { id: 'impact', label: { fr: 'Impact', en: 'Impact' }, weight: 2, min: 0, max: 5 },
          { id: 'feasibility', label: { fr: 'Faisabilité', en: 'Feasibility' }, weight: 1, min: 0, max: 5 },
        ],
      })
      .expect(200);
    const jurors: TestJuror[] = [];
    for (let i = 0; i < 3; i++) jurors.push(await inviteJuror(t, city, staff, programme.id, { email: `sc-juror${i}@example.org` }));
    const preview = await t.http().get(`${base()}/assignment`).set(staff.headers).expect(200);
    expect(preview.body.stored).toBe(false);
    expect(preview.body.applications.every((a: { jurorIds: string[] }) => a.jurorIds.length === 2)).toBe(true);
    await t.http().post(`${base()}/vote/open`).set(staff.headers).expect(200);
    const assignment = await t.http().get(`${base()}/assignment`).set(staff.headers).expect(200);
    expect(assignment.body.loads.map((l: { load: number }) => l.load)).toEqual([4, 4, 4]);

    const mine = await t.http().get(`${base()}/me`).set(jurors[0].headers).expect(200);
    expect(mine.body.items).toHaveLength(4);
    expect(mine.body.criteria.map((c: { id: string }) => c.id)).toEqual(['impact', 'feasibility']);
    const assigned = new Set(mine.body.items.map((i: { applicationId: string }) => i.applicationId));
    const notMine = apps.find((a) => !assigned.has(a.id))!;
    const refused = await t
      .http()
      .put(`${base()}/me/ballots/${notMine.id}`)
      .set(jurors[0].headers)
      .send({ scores: { impact: 3, feasibility: 3 } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('JURY_APPLICATION_NOT_ASSIGNED');
    expect((await t.http().get(`${base()}/me/applications/${notMine.id}`).set(jurors[0].headers)).status).toBe(403);
    const foreign = await t
      .http()
      .put(`${base()}/me/ballots/00000000-0000-4000-8000-000000000000`)
      .set(jurors[0].headers)
      .send({ scores: { impact: 3, feasibility: 3 } });
    expect(foreign.status).toBe(404);

    const first = mine.body.items[0].applicationId;
    const outOfScale = await t
      .http()
      .put(`${base()}/me/ballots/${first}`)
      .set(jurors[0].headers)
      .send({ scores: { impact: 7, feasibility: 3 } });
    expect(outOfScale.status).toBe(400);
    expect(outOfScale.body.code).toBe('BALLOT_SCORE_OUT_OF_SCALE');
    const missing = await t
      .http()
      .put(`${base()}/me/ballots/${first}`)
      .set(jurors[0].headers)
      .send({ scores: { impact: 3 } });
    expect(missing.body.code).toBe('BALLOT_CRITERION_MISSING');

    // Every juror scores their applications; the one listed first gets the best marks from everyone.
    for (const [j, juror] of jurors.entries()) {
      const list = (await t.http().get(`${base()}/me`).set(juror.headers)).body.items as Array<{ applicationId: string }>;
      for (const item of list) {
        const idx = apps.findIndex((a) => a.id === item.applicationId);
        const v = Math.max(0, 5 - idx) - (j === 2 ? 1 : 0);
        await t
          .http()
          .put(`${base()}/me/ballots/${item.applicationId}`)
          .set(juror.headers)
          .send({ scores: { impact: Math.max(0, v), feasibility: 3 }, comment: `note ${idx}` })
          .expect(200);
      }
    }
    // Changing a ballot keeps one row per juror and application, with a new version and a history line.
    const changed = await t
      .http()
      .put(`${base()}/me/ballots/${first}`)
      .set(jurors[0].headers)
      .send({ scores: { impact: 5, feasibility: 5 } })
      .expect(200);
    expect(changed.body.version).toBe(2);
    expect(changed.body.comment).toMatch(/^note/);
    const rows = await t.ds.query(`SELECT count(*)::int AS n FROM jury_ballot WHERE member_id = $1`, [jurors[0].memberId]);
    expect(rows[0].n).toBe(4);

    await t.http().post(`${base()}/vote/close`).set(staff.headers).expect(200);
    const results = await t.http().get(`${base()}/results`).set(staff.headers).expect(200);
    expect(results.body.method).toBe('scored_criteria');
    expect(results.body.ranking[0].method.code).toBe('SCORED_CRITERIA_Z');
    expect(results.body.ranking[0].contributions).toHaveLength(2);
    const laureates = results.body.ranking.filter((r: { proposal: string }) => r.proposal === 'laureate');
    expect(laureates).toHaveLength(2);
    // The quota: at least one "reuse" laureate.
    expect(laureates.some((r: { category: string }) => r.category === 'reuse')).toBe(true);

    const evaluations = await t.http().get(`${base()}/export/evaluations?format=csv`).set(staff.headers).expect(200);
    expect(evaluations.text.split('\r\n').filter(Boolean)).toHaveLength(1 + 12 * 2);
    expect(evaluations.text).toContain('Faisabilité');

    // Confirming the proposal as is needs no justification.
    const ok = await t.http().post(`${base()}/laureates`).set(staff.headers).send({}).expect(200);
    expect(ok.body.outcomes.filter((o: { overridden: boolean }) => o.overridden)).toHaveLength(0);
  });
});

describe('jury: ranking (Borda) and pairwise comparison', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(() => t.close());

  it('counts rankings by Borda', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    const apps = await createEligibleApplications(t, city, programme.id, 4, { prefix: 'bd' });
    const base = `/api/programmes/${programme.id}/jury`;
    await t.http().put(`${base}/settings`).set(staff.headers).send({ method: 'borda', laureates: 1 }).expect(200);
    const a = await inviteJuror(t, city, staff, programme.id, { email: 'bd-a@example.org' });
    const b = await inviteJuror(t, city, staff, programme.id, { email: 'bd-b@example.org' });
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    const [w, x, y, z] = apps.map((ap) => ap.id);
    await t
      .http()
      .put(`${base}/me/ranking`)
      .set(a.headers)
      .send({ applicationIds: [x, w, y, z] })
      .expect(200);
    await t
      .http()
      .put(`${base}/me/ranking`)
      .set(b.headers)
      .send({ applicationIds: [x, y, w] })
      .expect(200);
    const dup = await t
      .http()
      .put(`${base}/me/ranking`)
      .set(b.headers)
      .send({ applicationIds: [x, x] });
    expect(dup.body.code).toBe('BALLOT_DUPLICATE_RANK');
    // A conflict takes the application out of the ranking, which closes up.
    await t.http().post(`${base}/me/conflicts`).set(a.headers).send({ applicationId: w }).expect(204);
    const ranks = await t.ds.query(`SELECT application_id, rank FROM jury_ballot WHERE member_id = $1 ORDER BY rank`, [a.memberId]);
    expect(ranks.map((r: { application_id: string; rank: number }) => [r.application_id, r.rank])).toEqual([
      [x, 1],
      [y, 2],
      [z, 3],
    ]);
    await t.http().post(`${base}/vote/close`).set(staff.headers).expect(200);
    const results = await t.http().get(`${base}/results`).set(staff.headers).expect(200);
    expect(results.body.ranking[0]).toMatchObject({ applicationId: x, score: 4, proposal: 'laureate' });
    expect(results.body.ranking[0].method.code).toBe('BORDA');
  });

  it('proposes pairs, records comparisons and fits a Bradley-Terry ranking', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    const apps = await createEligibleApplications(t, city, programme.id, 4, { prefix: 'pw' });
    const base = `/api/programmes/${programme.id}/jury`;
    await t.http().put(`${base}/settings`).set(staff.headers).send({ method: 'pairwise', laureates: 2 }).expect(200);
    const juror = await inviteJuror(t, city, staff, programme.id, { email: 'pw-a@example.org' });
    await t.http().post(`${base}/vote/open`).set(staff.headers).expect(200);
    const order = apps.map((a) => a.id); // juror prefers lower index
    let pairs = 0;
    for (;;) {
      const next = await t.http().get(`${base}/me/next-pair`).set(juror.headers).expect(200);
      if (!next.body.pair) break;
      const { first, second } = next.body.pair;
      const [winnerId, loserId] = order.indexOf(first.id) < order.indexOf(second.id) ? [first.id, second.id] : [second.id, first.id];
      await t.http().post(`${base}/me/comparisons`).set(juror.headers).send({ winnerId, loserId }).expect(204);
      pairs++;
      if (pairs > 10) throw new Error('next-pair does not end');
    }
    expect(pairs).toBe(6);
    const self = await t.http().post(`${base}/me/comparisons`).set(juror.headers).send({ winnerId: order[0], loserId: order[0] });
    expect(self.body.code).toBe('BALLOT_INVALID_COMPARISON');
    await t.http().post(`${base}/vote/close`).set(staff.headers).expect(200);
    const results = await t.http().get(`${base}/results`).set(staff.headers).expect(200);
    expect(results.body.ranking.map((r: { applicationId: string }) => r.applicationId)).toEqual(order);
    expect(results.body.ranking[0].method.code).toBe('PAIRWISE');
    const csv = await t.http().get(`${base}/export/ballots.csv`).set(staff.headers).expect(200);
    expect(csv.text.split('\r\n')[0]).toContain('preferred');
  });
});
