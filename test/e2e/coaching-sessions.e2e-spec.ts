import { FixedClock } from '../../src/common/clock/clock.js';
import { parseCalendar } from '../../src/coaching/domain/ics.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import { createAnnouncedProgramme, TEST_PLAN, type TestLaureate } from '../factories/coaching.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { type CapturedMail, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** The text/calendar part of an e-mail, read back. */
function calendarOf(mail: CapturedMail) {
  const part = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) throw new Error(`no text/calendar part in "${mail.subject}"`);
  const text = part.content.toString('utf8');
  const { components } = parseCalendar(text);
  const value = (c: (typeof components)[number], name: string) => c.props.find((p) => p.name === name)?.value;
  const cal = components[0];
  const event = components.find((c) => c.name === 'VEVENT')!;
  return {
    text,
    headerMethod: String((part.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.method ?? ''),
    method: value(cal, 'METHOD'),
    uid: value(event, 'UID'),
    sequence: Number(value(event, 'SEQUENCE')),
    start: value(event, 'DTSTART'),
    end: value(event, 'DTEND'),
    location: value(event, 'LOCATION'),
    url: value(event, 'URL'),
    organizer: event.props.find((p) => p.name === 'ORGANIZER')!,
    attendees: event.props.filter((p) => p.name === 'ATTENDEE').map((p) => p.value),
  };
}

const kickoff = TEST_PLAN[0];

describe('coaching sessions: invitations, attendance, and the coach told of each hand-in', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let coach: TestPerson;
  let otherCoach: TestPerson;
  let programme: Programme;
  let laureates: TestLaureate[];
  const clock = new FixedClock(new Date('2026-06-30T08:00:00Z'));
  const base = () => `/api/programmes/${programme.id}/coaching`;
  const invitations = (email: string) => smtp.to(email).filter((m) => m.parsed.attachments.some((a) => a.contentType === 'text/calendar'));
  const savePlan = (milestones: object[]) => t.http().put(`${base()}/plan`).set(staff.headers).send({ milestones }).expect(200);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ clock, config: { smtpUrl: smtp.url } });
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    coach = await createPerson(t, city, 'coach', { email: 'coach@sessions.example' });
    ({ programme, laureates } = await createAnnouncedProgramme(t, city, staff, 3, { locales: ['fr', 'en', 'fr'] }));
    await savePlan(TEST_PLAN);
    await t.http().post(`/api/programmes/${programme.id}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    // A coach with no laureate of this programme (created after the schedules gave every laureate one).
    otherCoach = await createPerson(t, city, 'coach', { email: 'other-coach@sessions.example' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('e-mails every laureate an iTIP REQUEST when a session is scheduled: the authority organises, the laureates attend', async () => {
    await t.sendMail();
    for (const l of laureates) {
      const mails = invitations(l.email);
      expect(mails).toHaveLength(1);
      const ics = calendarOf(mails[0]);
      expect(ics.text).toMatch(/\r\n$/);
      expect(ics.method).toBe('REQUEST');
      expect(ics.headerMethod.toUpperCase()).toBe('REQUEST');
      expect(ics.sequence).toBe(0);
      expect(ics.start).toBe('20260707T080000Z');
      expect(ics.end).toBe('20260707T093000Z');
      expect(ics.location).toBe(kickoff.place);
      expect(ics.url).toMatch(new RegExp(`/coaching/programmes/${programme.id}/sessions/kickoff$`));
      expect(ics.organizer.value).toBe(`mailto:${city.tenant.senderEmail}`);
      expect(ics.organizer.params.CN).toBe(city.tenant.senderName);
      expect(ics.attendees.sort()).toEqual(laureates.map((x) => `mailto:${x.email}`).sort());
    }
    expect(invitations(laureates[0].email)[0].subject).toBe('Invitation : Kick-off');
    expect(invitations(laureates[1].email)[0].subject).toBe('Invitation: Kick-off');
    // Running the schedules again changes nothing and sends nothing.
    await t.http().post(`${base()}/schedules`).set(staff.headers).expect(200);
    await t.sendMail();
    expect(invitations(laureates[0].email)).toHaveLength(1);
  });

  it('sends the changed session with the same UID and SEQUENCE + 1; the same plan saved again sends nothing', async () => {
    const first = calendarOf(invitations(laureates[0].email)[0]);
    await savePlan([{ ...kickoff, time: '11:00', place: undefined, videoUrl: 'https://visio.example/room/kickoff' }, ...TEST_PLAN.slice(1)]);
    await t.sendMail();
    const mails = invitations(laureates[0].email);
    expect(mails).toHaveLength(2);
    const changed = calendarOf(mails[1]);
    expect(mails[1].subject).toBe('Séance modifiée : Kick-off');
    expect(changed.uid).toBe(first.uid);
    expect(changed.sequence).toBe(first.sequence + 1);
    expect(changed.start).toBe('20260707T090000Z');
    expect(changed.location).toBe('https://visio.example/room/kickoff');
    await savePlan([{ ...kickoff, time: '11:00', place: undefined, videoUrl: 'https://visio.example/room/kickoff' }, ...TEST_PLAN.slice(1)]);
    await t.sendMail();
    expect(invitations(laureates[0].email)).toHaveLength(2);
    // A video link must be https.
    const bad = await t
      .http()
      .put(`${base()}/plan`)
      .set(staff.headers)
      .send({ milestones: [{ ...kickoff, place: undefined, videoUrl: 'http://visio.example/room' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('milestones.0.videoUrl');
  });

  it('cancels a session removed from the plan with METHOD:CANCEL, same UID, higher SEQUENCE', async () => {
    const extra = {
      id: 'midway',
      kind: 'session',
      title: { fr: 'Point d’étape', en: 'Midway check' },
      days: 20,
      time: '14:00',
      place: 'Mairie',
      durationMinutes: 45,
      required: false,
    };
    const plan = [{ ...kickoff, time: '11:00', place: undefined, videoUrl: 'https://visio.example/room/kickoff' }, ...TEST_PLAN.slice(1)];
    await savePlan([...plan, extra]);
    await t.sendMail();
    const invited = calendarOf(invitations(laureates[2].email).at(-1)!);
    expect(invited).toMatchObject({ method: 'REQUEST', sequence: 0, location: 'Mairie' });
    await savePlan(plan);
    await t.sendMail();
    const cancel = invitations(laureates[2].email).at(-1)!;
    expect(cancel.subject).toBe('Séance annulée : Point d’étape');
    expect(calendarOf(cancel)).toMatchObject({ method: 'CANCEL', uid: invited.uid, sequence: 1 });
    await savePlan(plan);
    await t.sendMail();
    expect(invitations(laureates[2].email).at(-1)!.messageId).toBe(cancel.messageId);
  });

  it('lets the coach record attendance once the session took place, and refuses another coach and the laureates', async () => {
    const dash = await t.http().get(`${base()}/laureates`).set(staff.headers).expect(200);
    const sessionRow = (i: number) =>
      dash.body.laureates
        .find((x: { laureate: { userId: string } }) => x.laureate.userId === laureates[i].userId)
        .milestones.find((m: { key: string }) => m.key === 'kickoff').id;
    const page = `/coaching/programmes/${programme.id}/sessions/kickoff`;
    const form = { [`attendance.${sessionRow(0)}`]: 'present', [`attendance.${sessionRow(1)}`]: 'absent', [`attendance.${sessionRow(2)}`]: 'excused' };

    const early = await t.http().post(`${page}/attendance`).set(coach.headers).type('form').send(form);
    expect(early.status).toBe(409);
    clock.set('2026-07-07T10:00:00Z');

    const before = await t.http().get(page).set(coach.headers).expect(200);
    expect(before.text).toContain(laureates[0].title);
    expect(before.text).toContain('type="radio"');
    // A coach none of whose laureates attend does not see the session; a laureate may not record.
    await t.http().post(`${page}/attendance`).set(otherCoach.headers).type('form').send(form).expect(404);
    await t.http().get(page).set(otherCoach.headers).expect(404);
    await t.http().post(`${page}/attendance`).set(laureates[0].headers).type('form').send(form).expect(403);
    await t.http().post(`/coaching/programmes/${programme.id}/sessions/nope/attendance`).set(coach.headers).type('form').send(form).expect(404);

    const saved = await t.http().post(`${page}/attendance`).set(coach.headers).type('form').send(form).expect(303);
    expect(saved.headers.location).toMatch(/\?saved=attendance$/);
    const after = await t.http().get(`${base()}/laureates`).set(staff.headers).expect(200);
    const kick = (i: number) =>
      after.body.laureates
        .find((x: { laureate: { userId: string } }) => x.laureate.userId === laureates[i].userId)
        .milestones.find((m: { key: string }) => m.key === 'kickoff');
    expect([kick(0), kick(1), kick(2)].map((m) => [m.attendance, m.storedStatus])).toEqual([
      ['present', 'validated'],
      ['absent', 'pending'],
      ['excused', 'pending'],
    ]);
    // Staff correct one; the same form again changes nothing.
    await t
      .http()
      .post(`${page}/attendance`)
      .set(staff.headers)
      .type('form')
      .send({ [`attendance.${sessionRow(1)}`]: 'present' })
      .expect(303);
    await t
      .http()
      .post(`${page}/attendance`)
      .set(staff.headers)
      .type('form')
      .send({ [`attendance.${sessionRow(1)}`]: 'present' })
      .expect(303);
    const audit = await t.ds.query(`SELECT data FROM audit_entry WHERE action = 'coaching.attendance_recorded' ORDER BY id`);
    expect(audit).toHaveLength(4);
    expect(audit.at(-1).data).toMatchObject({ session: 'kickoff', attendance: 'present', previous: 'absent' });

    // The laureate sees the session and their own attendance only.
    const mine = await t.http().get(`${page}?lang=en`).set(laureates[2].headers).expect(200);
    expect(mine.text).toContain('Excused');
    expect(mine.text).not.toContain(laureates[0].title);
    expect(mine.text).not.toContain('type="radio"');
  });

  it('tells the coach at once when a laureate hands in a deliverable, once, even with two instances sending', async () => {
    const two = await startTestApp({ clock, databaseUrl: t.databaseUrl, config: { smtpUrl: smtp.url } });
    try {
      const me = await t.http().get(`${base()}/me`).set(laureates[1].headers).expect(200);
      const story = me.body.milestones.find((m: { key: string }) => m.key === 'story').id;
      await t.http().post(`${base()}/me/milestones/${story}/submission`).set(laureates[1].headers).send({ text: 'Our story.' }).expect(200);
      await Promise.all([t.sendMail(), two.sendMail(), t.sendMail(), two.sendMail()]);
      const told = smtp.to(coach.email).filter((m) => m.subject.includes('Campaign story'));
      expect(told).toHaveLength(1);
      expect(told[0].text).toContain(laureates[1].title);
      expect(told[0].text).toMatch(new RegExp(`/coaching/programmes/${programme.id}/coach#milestone-${story}`));
      const rows = await t.ds.query(`SELECT count(*)::int AS n FROM outbox_message WHERE template = 'coaching-handed-in'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await two.close();
    }
  });
});
