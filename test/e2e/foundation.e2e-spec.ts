import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

describe('foundation', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('answers /healthz with 200 when the database is reachable', async () => {
    const res = await t.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/programmes']).toBeDefined();
    // Texts people write are one map of language: text.
    const title = res.body.components.schemas.CreateProgrammeDto.properties.title;
    expect(title).toMatchObject({ type: 'object', additionalProperties: { type: 'string' }, example: { fr: expect.any(String), en: expect.any(String) } });
    expect(res.body.components.schemas.QuestionDto.properties.label.type).toBe('object');
  });

  it('answers 404 problem+json for an unknown host', async () => {
    const res = await t.http().get('/api/programmes').set('Host', 'nobody.test');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('TENANT_UNKNOWN');
  });

  it('lets staff create a programme, set its timeline and move it by hand, with audit and e-mail', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const created = await t
      .http()
      .post('/api/programmes')
      .set(staff.headers)
      .send({ slug: 'makers-2026', title: { fr: 'Makers 2026', en: 'Makers 2026' } });
    expect(created.status).toBe(201);
    expect(created.body.phase).toBe('draft');
    expect(created.body.title).toEqual({ fr: 'Makers 2026', en: 'Makers 2026' });

    const timeline = await t
      .http()
      .put(`/api/programmes/${created.body.id}/timeline`)
      .set(staff.headers)
      .send({ timeline: { call_open: '2026-04-01T09:00:00+02:00', screening: '2026-05-01T18:00:00+02:00' } });
    expect(timeline.status).toBe(200);
    expect(timeline.body.nextTransitionAt).toBe('2026-04-01T07:00:00.000Z');

    const moved = await t
      .http()
      .post(`/api/programmes/${created.body.id}/transitions`)
      .set(staff.headers)
      .send({ to: 'call_open', reason: 'Opening early for the press conference' });
    expect(moved.status).toBe(201);
    expect(moved.body.phase).toBe('call_open');
    expect(moved.body.nextTransitionAt).toBe('2026-05-01T16:00:00.000Z');

    const history = await t.http().get(`/api/programmes/${created.body.id}/transitions`).set(staff.headers);
    expect(history.body).toEqual([
      expect.objectContaining({ from: 'draft', to: 'call_open', trigger: 'manual', reason: 'Opening early for the press conference' }),
    ]);

    const audit = await t.http().get('/api/audit?action=programme.phase_changed').set(staff.headers);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0].data).toMatchObject({ from: 'draft', to: 'call_open' });

    await t.sendMail();
    const mails = smtp.to(staff.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Makers 2026 : nouvelle phase');
    expect(mails[0].from).toContain(city.tenant.senderEmail);
  });

  it('refuses a transition that skips a phase with 409 and a clear message', async () => {
    const city = await createTenant(t, { defaultLocale: 'en' });
    const staff = await createPerson(t, city, 'staff');
    const p = await createProgramme(t, city, staff);
    const res = await t.http().post(`/api/programmes/${p.id}/transitions`).set(staff.headers).send({ to: 'jury', reason: 'skip ahead' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PHASE_TRANSITION_NOT_ALLOWED');
    expect(res.body.detail).toBe('A programme cannot move from “Draft” to “Jury”.');
    expect(res.body).toMatchObject({ from: 'draft', to: 'jury' });
  });

  it('names each bad field, refuses unknown fields and wrong types, and never answers 500', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const res = await t.http().post('/api/programmes').set(staff.headers).send({ slug: 'Not A Slug', titleFr: 12, extra: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['extra', 'slug', 'title', 'titleFr']));

    // A title is one text per installed language: an unknown language or a plain string is refused, naming `title`.
    for (const title of [{ xx: 'Makers' }, 'plain', { fr: 12 }, { fr: '  ' }, { fr: 'x'.repeat(201) }]) {
      const refused = await t.http().post('/api/programmes').set(staff.headers).send({ slug: 'makers-x', title });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['title']);
    }
    const summary = await t
      .http()
      .post('/api/programmes')
      .set(staff.headers)
      .send({ slug: 'makers-x', title: { fr: 'Makers' }, summary: ['x'] });
    expect(summary.status).toBe(400);
    expect(summary.body.errors.map((e: { field: string }) => e.field)).toEqual(['summary']);

    const badJson = await t.http().post('/api/programmes').set(staff.headers).set('Content-Type', 'application/json').send('{"slug": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.code).toBe('INVALID_JSON');

    const tooBig = await t
      .http()
      .post('/api/programmes')
      .set(staff.headers)
      .send({ slug: 'x'.repeat(300_000) });
    expect(tooBig.status).toBe(413);

    const existing = await createProgramme(t, city, staff);
    const badTimeline = await t
      .http()
      .put(`/api/programmes/${existing.id}/timeline`)
      .set(staff.headers)
      .send({ timeline: { call_open: 'tomorrow' } });
    expect(badTimeline.status).toBe(400);
    expect(badTimeline.body.errors[0].field).toBe('timeline.call_open');
  });

  it('refuses a timeline whose instants go backwards, naming the field', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const p = await createProgramme(t, city, staff);
    const res = await t
      .http()
      .put(`/api/programmes/${p.id}/timeline`)
      .set(staff.headers)
      .send({ timeline: { call_open: '2026-05-01T09:00:00Z', screening: '2026-04-01T09:00:00Z' } });
    expect(res.status).toBe(400);
    // The field's label and the phase's name, in the authority's language (then the one asked for).
    expect(res.body.errors).toEqual([
      { field: 'timeline.screening', message: 'Instruction des candidatures : doit être après le début de « Appel à projets ouvert ».' },
    ]);
    const en = await t
      .http()
      .put(`/api/programmes/${p.id}/timeline`)
      .set(staff.headers)
      .set('Accept-Language', 'en-GB,en;q=0.9')
      .send({ timeline: { call_open: '2026-05-01T09:00:00Z', screening: '2026-04-01T09:00:00Z' } });
    expect(en.body.errors).toEqual([{ field: 'timeline.screening', message: 'Screening: must be after the start of “Call for projects open”.' }]);
  });

  it('checks roles on every route: anonymous 401, wrong role 403, right role allowed', async () => {
    const city = await createTenant(t);
    const juror = await createPerson(t, city, 'juror');
    const anon = await t
      .http()
      .post('/api/programmes')
      .set('Host', city.host)
      .send({ slug: 'x1', title: { fr: 'abc', en: 'abc' } });
    expect(anon.status).toBe(401);
    const wrong = await t
      .http()
      .post('/api/programmes')
      .set(juror.headers)
      .send({ slug: 'x1', title: { fr: 'abc', en: 'abc' } });
    expect(wrong.status).toBe(403);
    const me = await t.http().get('/api/me').set(juror.headers);
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['juror']);
  });

  it("isolates tenants: another authority's programme answers 404 and its token is unknown", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const staffA = await createPerson(t, a, 'staff');
    const staffB = await createPerson(t, b, 'staff');
    const p = await createProgramme(t, a, staffA, { phase: 'call_open' });
    const seenByB = await t.http().get(`/api/programmes/${p.id}`).set(staffB.headers);
    expect(seenByB.status).toBe(404);
    const moveByB = await t.http().post(`/api/programmes/${p.id}/transitions`).set(staffB.headers).send({ to: 'screening', reason: 'not mine' });
    expect(moveByB.status).toBe(404);
    const listB = await t.http().get('/api/programmes').set(staffB.headers);
    expect(listB.body).toEqual([]);
    // A's token presented at B's address is not a credential there.
    const crossToken = await t
      .http()
      .get('/api/me')
      .set({ ...staffA.headers, Host: b.host });
    expect(crossToken.status).toBe(401);
    // And the path fallback resolves the same way as the Host header.
    const viaPath = await t.http().get(`/t/${a.tenant.slug}/api/programmes/${p.id}`);
    expect(viaPath.status).toBe(200);
    const viaPathOther = await t.http().get(`/t/${b.tenant.slug}/api/programmes/${p.id}`);
    expect(viaPathOther.status).toBe(404);
  });

  it('hides draft programmes from the public', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const p = await createProgramme(t, city, staff);
    expect((await t.http().get(`/api/programmes/${p.id}`).set('Host', city.host)).status).toBe(404);
    expect((await t.http().get(`/api/programmes/${p.id}`).set(staff.headers)).status).toBe(200);
  });
});
