import { FixedClock } from '../../src/common/clock/clock.js';
import { CoachingScheduler } from '../../src/coaching/coaching.scheduler.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import { createAnnouncedProgramme, PDF_BYTES, TEST_PLAN, type TestLaureate } from '../factories/coaching.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { type CapturedMail, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Unfolds and splits an iCalendar text into its content lines (RFC 5545 §3.1). */
function icsLines(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
}
/** A session's calendar invitation, which laureates get besides the mail a test is about. */
const isInvitation = (m: CapturedMail) => m.parsed.attachments.some((a) => a.contentType === 'text/calendar');
const unescape = (v: string) => v.replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1');

describe('coaching: plan, schedules, evidence, review, readiness and calendar feed', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let coach: TestPerson;
  let programme: Programme;
  let laureates: TestLaureate[];
  const base = () => `/api/programmes/${programme.id}/coaching`;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-06-30T08:00:00Z'); // 10:00 in Paris
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    coach = await createPerson(t, city, 'coach', { email: 'coach@coaching.example' });
    ({ programme, laureates } = await createAnnouncedProgramme(t, city, staff, 3, { locales: ['fr', 'en', 'fr'] }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('gives every laureate the plan as a schedule when coaching starts, then idempotently again', async () => {
    const bad = await t
      .http()
      .put(`${base()}/plan`)
      .set(staff.headers)
      .send({
        milestones: [
          { kind: 'session', title: { fr: 'No place' }, days: 3 },
          { kind: 'deliverable', title: { fr: 'Both dates' }, days: 3, at: '2026-07-01T10:00:00+02:00', evidence: 'text' },
          { kind: 'deliverable', title: { fr: 'No evidence' }, days: 3 },
        ],
      });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['milestones.0.place', 'milestones.1.at', 'milestones.2.evidence']));

    const saved = await t.http().put(`${base()}/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
    expect(saved.body.milestones.map((m: { id: string }) => m.id)).toEqual(['kickoff', 'story', 'budget', 'video']);
    expect(saved.body.startedAt).toBeNull();
    await t.http().get(`${base()}/plan`).set(coach.headers).expect(403);

    await t.http().post(`/api/programmes/${programme.id}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    const dash = await t.http().get(`${base()}/laureates`).set(staff.headers).expect(200);
    expect(dash.body.laureates).toHaveLength(3);
    expect(dash.body.notReady).toBe(3);
    const first = dash.body.laureates[0];
    expect(first.laureate.coach.userId).toBe(coach.userId);
    const byKey = Object.fromEntries(first.milestones.map((m: { key: string }) => [m.key, m]));
    // Relative dates count calendar days from the start, at the authority's wall-clock time.
    expect(byKey.kickoff.at).toBe('2026-07-07T08:00:00.000Z');
    expect(byKey.story.at).toBe('2026-07-10T08:00:00.000Z');
    expect(byKey.budget.at).toBe('2026-07-14T16:00:00.000Z');
    expect(first.readiness.missing.map((m: { title: Record<string, string> }) => m.title.fr)).toEqual(['Campaign story', 'Budget']);

    const again = await t.http().post(`${base()}/schedules`).set(staff.headers).expect(200);
    expect(again.body.laureates).toBe(3);
    const dash2 = await t.http().get(`${base()}/laureates`).set(staff.headers).expect(200);
    expect(dash2.body.laureates[0].milestones.map((m: { id: string }) => m.id)).toEqual(first.milestones.map((m: { id: string }) => m.id));
  });

  it('lets a laureate hand in text and files, and the coach ask for changes, then validate', async () => {
    const [ines, bob, other] = laureates;
    const mine = await t.http().get(`${base()}/me`).set(ines.headers).expect(200);
    expect(mine.body.laureate.title).toBe(ines.title);
    const ms = Object.fromEntries(mine.body.milestones.map((m: { key: string; id: string }) => [m.key, m.id]));

    const wrongKind = await t.http().post(`${base()}/me/milestones/${ms.story}/submission`).set(ines.headers).send({ url: 'https://example.org' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.code).toBe('MILESTONE_EVIDENCE_KIND');
    const unknownField = await t.http().post(`${base()}/me/milestones/${ms.story}/submission`).set(ines.headers).send({ text: 'x', extra: 1 });
    expect(unknownField.status).toBe(400);
    // Someone else's milestone is not found.
    await t.http().post(`${base()}/me/milestones/${ms.story}/submission`).set(bob.headers).send({ text: 'Mine now' }).expect(404);

    const story = await t
      .http()
      .post(`${base()}/me/milestones/${ms.story}/submission`)
      .set(ines.headers)
      .send({ text: 'Our bikes, repaired with reused parts.' })
      .expect(200);
    expect(story.body.status).toBe('submitted');
    const notPdf = await t
      .http()
      .post(`${base()}/me/milestones/${ms.budget}/files`)
      .set(ines.headers)
      .attach('file', Buffer.from('MZ not a pdf'), 'budget.pdf');
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.code).toBe('FILE_TYPE_NOT_ACCEPTED');
    const budget = await t.http().post(`${base()}/me/milestones/${ms.budget}/files`).set(ines.headers).attach('file', PDF_BYTES, 'budget.pdf').expect(200);
    expect(budget.body.status).toBe('submitted');
    expect(budget.body.evidence.kind).toBe('file');
    const twice = await t.http().post(`${base()}/me/milestones/${ms.story}/submission`).set(ines.headers).send({ text: 'Again' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('MILESTONE_TRANSITION_NOT_ALLOWED');

    const view = await t.http().get(`${base()}/coach`).set(coach.headers).expect(200);
    expect(view.body.awaiting).toBe(2);
    const file = await t.http().get(`${base()}/milestones/${ms.budget}/file`).set(coach.headers).expect(200);
    expect(Buffer.from(file.body).subarray(0, 4).toString()).toBe('%PDF');
    await t.http().get(`${base()}/milestones/${ms.budget}/file`).set(other.headers).expect(404);

    const noComment = await t.http().post(`${base()}/milestones/${ms.story}/review`).set(coach.headers).send({ action: 'request_changes' });
    expect(noComment.body.code).toBe('COACHING_FEEDBACK_REQUIRED');
    const otherCoach = await createPerson(t, city, 'coach', { programmeId: programme.id });
    const notMine = await t.http().post(`${base()}/milestones/${ms.story}/review`).set(otherCoach.headers).send({ action: 'validate' });
    expect(notMine.status).toBe(403);
    expect(notMine.body.code).toBe('COACHING_NOT_YOUR_LAUREATE');
    await t
      .http()
      .post(`${base()}/milestones/${ms.story}/review`)
      .set(coach.headers)
      .send({ action: 'request_changes', comment: 'Say who you are first.' })
      .expect(200);
    await t.sendMail();
    // Not the session's invitation (test/e2e/coaching-sessions.e2e-spec.ts), nor the coach's hand-in notice.
    const feedback = smtp.to(ines.email).filter((m) => !isInvitation(m));
    expect(feedback.at(-1)!.subject).toContain('Modifications demandées');
    expect(feedback.at(-1)!.text).toContain('Say who you are first.');

    const after = await t.http().get(`${base()}/me`).set(ines.headers).expect(200);
    const storyNow = after.body.milestones.find((m: { key: string }) => m.key === 'story');
    expect(storyNow).toMatchObject({ status: 'changes_requested', feedback: 'Say who you are first.' });
    await t.http().post(`${base()}/me/milestones/${ms.story}/submission`).set(ines.headers).send({ text: 'We are Inès and Bob. Our bikes...' }).expect(200);
    await t.http().post(`${base()}/milestones/${ms.story}/review`).set(coach.headers).send({ action: 'validate' }).expect(200);
    await t.http().post(`${base()}/milestones/${ms.budget}/review`).set(staff.headers).send({ action: 'validate', comment: 'Clear.' }).expect(200);
    const ready = await t.http().get(`${base()}/me`).set(ines.headers).expect(200);
    expect(ready.body.readiness).toEqual({ ready: true, missing: [] });

    // Another tenant sees nothing.
    const elsewhere = await createTenant(t);
    const foreignStaff = await createPerson(t, elsewhere, 'staff');
    await t.http().get(`${base()}/laureates`).set(foreignStaff.headers).expect(404);
  });

  it('holds the campaign back until laureates are ready, unless staff override with a reason', async () => {
    await t
      .http()
      .post(`/api/programmes/${programme.id}/transitions`)
      .set(staff.headers)
      .send({ to: 'communication', reason: 'Posters on the buses' })
      .expect(201);
    const blocked = await t
      .http()
      .post(`/api/programmes/${programme.id}/transitions`)
      .set(staff.headers)
      .send({ to: 'campaign', reason: 'The window opens as planned' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('PHASE_BLOCKED');
    expect(JSON.stringify(blocked.body)).toContain('LAUREATES_NOT_READY');
    expect(blocked.body.detail).toMatch(/2 laur/);
    const short = await t.http().post(`${base()}/readiness-override`).set(staff.headers).send({ reason: 'go' });
    expect(short.body.code).toBe('COACHING_OVERRIDE_REASON_REQUIRED');
    const ok = await t
      .http()
      .post(`${base()}/readiness-override`)
      .set(staff.headers)
      .send({ reason: 'Two laureates hand in their budget next week.' })
      .expect(200);
    expect(ok.body.readinessOverride.reason).toBe('Two laureates hand in their budget next week.');
    const audit = await t.ds.query(`SELECT data FROM audit_entry WHERE tenant_id = $1 AND action = 'coaching.readiness_overridden'`, [city.tenant.id]);
    expect(audit[0].data.notReady).toHaveLength(2);
    await t
      .http()
      .post(`/api/programmes/${programme.id}/transitions`)
      .set(staff.headers)
      .send({ to: 'campaign', reason: 'The window opens as planned' })
      .expect(201);
  });

  it('serves each laureate their schedule as an iCalendar feed at a secret address', async () => {
    const [ines] = laureates;
    const first = await t.http().post(`${base()}/me/calendar`).set(ines.headers).expect(200);
    const url = new URL(first.body.feedUrl);
    expect(url.pathname).toMatch(/\/coaching\/calendar\/[\w-]{40,}\.ics$/);
    const res = await t.http().get(url.pathname).set('Host', city.host).expect(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    const raw = res.text;
    expect(raw.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const lines = icsLines(raw);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    const events: Array<Record<string, string>> = [];
    let current: Record<string, string> | null = null;
    for (const line of lines) {
      if (line === 'BEGIN:VEVENT') current = {};
      else if (line === 'END:VEVENT') {
        events.push(current!);
        current = null;
      } else if (current) {
        const i = line.indexOf(':');
        current[line.slice(0, i)] = line.slice(i + 1);
      }
    }
    expect(events).toHaveLength(4);
    const kickoff = events.find((e) => e.SUMMARY === 'Kick-off')!;
    expect(kickoff).toMatchObject({ DTSTART: '20260707T080000Z', DTEND: '20260707T093000Z' });
    expect(kickoff.UID).toMatch(/@tremplin$/);
    expect(kickoff.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);
    expect(kickoff.LOCATION).toBe('Fablab\\, 12 rue du Port\\; salle 2');
    expect(unescape(kickoff.LOCATION)).toBe('Fablab, 12 rue du Port; salle 2');
    expect(events.find((e) => e.SUMMARY === 'Échéance : Budget')!.DTEND).toBe('20260714T160000Z');
    expect(new Set(events.map((e) => e.UID)).size).toBe(4);

    // A new address replaces the old one.
    await t.http().post(`${base()}/me/calendar`).set(ines.headers).expect(200);
    await t.http().get(url.pathname).set('Host', city.host).expect(404);
    await t.http().get('/coaching/calendar/not-a-real-token-but-long-enough.ics').set('Host', city.host).expect(404);
  });
});

describe('coaching reminders and digests', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
  });
  afterAll(() => smtp.stop());

  it('are queued exactly once when two instances tick on one database, in the laureate language, never when muted', async () => {
    const clock = new FixedClock(new Date('2026-06-30T08:00:00Z'));
    const one = await startTestApp({ clock, config: { smtpUrl: smtp.url } });
    const two = await startTestApp({ clock, databaseUrl: one.databaseUrl, config: { smtpUrl: smtp.url } });
    try {
      const city = await createTenant(one);
      const staff = await createPerson(one, city, 'staff');
      const coach = await createPerson(one, city, 'coach', { email: 'digest-coach@coaching.example', locale: 'en' });
      const { programme, laureates } = await createAnnouncedProgramme(one, city, staff, 3, { prefix: 'rem', locales: ['fr', 'en', 'fr'] });
      const base = `/api/programmes/${programme.id}/coaching`;
      await one.http().put(`${base}/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
      await one
        .http()
        .post(`/api/programmes/${programme.id}/transitions`)
        .set(staff.headers)
        .send({ to: 'coaching', reason: 'The window opens as planned' })
        .expect(201);
      await one.http().put(`${base}/me/reminders`).set(laureates[2].headers).send({ muted: true }).expect(200);
      const tick = (app: TestApp) => app.app.get(CoachingScheduler).tick();

      // 07:30 in Paris on the day of the kick-off (10:00): the session-day reminder. The story is due in 3 days:
      // its 7-day moment passed before coaching began, and "à rendre dans 7 jours" would be false (issue 19), so no "before" reminder yet.
      clock.set('2026-07-07T05:30:00Z');
      let queued = 0;
      for (let round = 0; round < 3; round++) queued += (await Promise.all([tick(one), tick(two)])).reduce((a, b) => a + b, 0);
      const reminderKeys = async (): Promise<Array<{ dedupe_key: string; n: string }>> =>
        one.ds.query(`SELECT dedupe_key, count(*) AS n FROM outbox_message WHERE template = 'coaching-reminder' GROUP BY dedupe_key ORDER BY dedupe_key`);
      let keys = await reminderKeys();
      expect(keys.every((k) => k.n === '1')).toBe(true);
      expect(keys).toHaveLength(2); // two laureates × the session day; the third muted
      expect(queued).toBe(2);
      expect(keys.filter((k) => k.dedupe_key.endsWith(':session-day'))).toHaveLength(2);
      // The day before the story is due (10:30 in Paris, due at 10:00 the next day): the 1-day reminder, once.
      clock.set('2026-07-09T08:30:00Z');
      queued = 0;
      for (let round = 0; round < 3; round++) queued += (await Promise.all([tick(one), tick(two)])).reduce((a, b) => a + b, 0);
      expect(queued).toBe(2);
      keys = await reminderKeys();
      expect(keys.every((k) => k.n === '1')).toBe(true);
      expect(keys.filter((k) => k.dedupe_key.endsWith(':before-1d'))).toHaveLength(2);
      expect(keys.filter((k) => k.dedupe_key.endsWith(':before-7d'))).toHaveLength(0);

      await Promise.all([one.sendMail(), two.sendMail()]);
      const fr = smtp.to(laureates[0].email).filter((m) => !isInvitation(m));
      const en = smtp.to(laureates[1].email).filter((m) => !isInvitation(m));
      expect(fr).toHaveLength(2);
      expect(en).toHaveLength(2);
      expect(fr.map((m) => m.subject).sort()).toEqual(["Aujourd'hui : Kick-off", 'Rappel : Campaign story à rendre dans 1 jour']);
      expect(en.map((m) => m.subject)).toContain('Today: Kick-off');
      expect(en.find((m) => m.subject.startsWith('Reminder'))!.text).toContain('10 July 2026 at 10:00');
      expect(smtp.to(laureates[2].email).filter((m) => !isInvitation(m))).toHaveLength(0);

      // The story is overdue two days later; a submission awaits the coach: one overdue reminder each, one digest for the coach.
      const mine = await one.http().get(`${base}/me`).set(laureates[1].headers).expect(200);
      const budget = mine.body.milestones.find((m: { key: string }) => m.key === 'budget');
      await one.http().post(`${base}/me/milestones/${budget.id}/files`).set(laureates[1].headers).attach('file', PDF_BYTES, 'budget.pdf').expect(200);
      clock.set('2026-07-12T09:00:00Z');
      queued = 0;
      for (let round = 0; round < 2; round++) queued += (await Promise.all([tick(one), tick(two)])).reduce((a, b) => a + b, 0);
      await Promise.all([one.sendMail(), two.sendMail()]);
      expect(smtp.to(laureates[0].email).map((m) => m.subject)).toContain('En retard : Campaign story');
      // The coach was also told of the hand-in at once (coaching-handed-in): only the digests are counted here.
      const digestsTo = (email: string) => smtp.to(email).filter((m) => m.subject.startsWith('Your coaching week'));
      const digests = digestsTo(coach.email);
      expect(digests).toHaveLength(1);
      expect(digests[0].subject).toBe('Your coaching week: 1 to review, 3 overdue');
      expect(digests[0].text).toContain('Budget');

      // Same week: nothing new. Next week: a new digest.
      clock.set('2026-07-12T20:00:00Z');
      expect((await Promise.all([tick(one), tick(two)])).reduce((a, b) => a + b, 0)).toBe(0);
      clock.set('2026-07-13T07:00:00Z');
      await Promise.all([tick(one), tick(two)]);
      await Promise.all([one.sendMail(), two.sendMail()]);
      expect(digestsTo(coach.email)).toHaveLength(2);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
