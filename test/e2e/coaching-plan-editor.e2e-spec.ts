import { AuthService } from '../../src/auth/auth.service.js';
import { createAnnouncedProgramme } from '../factories/coaching.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { formFields } from '../setup/forms.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import type request from 'supertest';

/** The staff coaching plan editor, posted like a browser without JavaScript: rows, reorder, remove, preview. */
describe('coaching plan editor', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  async function signIn(email: string, userId: string) {
    await t.app.get(AuthService).setPassword(city.tenant.id, userId, 'a long enough password');
    const browser = t.http();
    const page = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email, password: 'a long enough password' })
      .expect(303);
    return browser;
  }

  /** Presses a button of the plan form with the form's current fields (and some changed). */
  async function press(browser: request.Agent, path: string, html: string, op: string, changes: Record<string, string | undefined> = {}) {
    const fields: Record<string, string> = { ...formFields(html, 'field-plan-editor'), op };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete fields[k];
      else fields[k] = v;
    }
    return browser.post(path).set('Host', city.host).type('form').send(fields);
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-06-30T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@plan-editor.test' });
  });
  afterAll(() => t.close());

  it('builds a plan of rows, shows refusals next to their field, reorders, removes, previews, and the laureate gets the schedule', async () => {
    const { programme, laureates } = await createAnnouncedProgramme(t, city, staff, 1, { prefix: 'pe' });
    const browser = await signIn(staff.email, staff.userId);
    const dashPath = `/staff/programmes/${programme.id}/coaching`;
    const post = `${dashPath}/plan`;
    const empty = await openPage(browser, city.host, dashPath);
    expect(empty.status).toBe(200);
    expect(empty.html).not.toContain('JSON');
    expect(empty.html).toContain('Ajouter une séance');

    // Two rows added to the draft: nothing is saved yet.
    const one = await press(browser, post, empty.html, 'add:session');
    expect(one.status).toBe(200);
    expect(one.text).toContain('Étape 1 — Séance');
    const two = await press(browser, post, one.text, 'add:deliverable');
    expect(two.text).toContain('Étape 2 — Livrable');
    expect((await t.http().get(`/api/programmes/${programme.id}/coaching/plan`).set(staff.headers)).body.milestones ?? []).toEqual([]);

    // A session on a set date without a place, a deliverable 14 days after the start.
    const filled = {
      'm.0.title.fr': 'Atelier de lancement',
      'm.0.title.en': 'Kick-off workshop',
      'm.0.dateKind': 'absolute',
      'm.0.at': '2026-07-06T09:30',
      'm.0.duration': '90',
      'm.0.place': '',
      'm.1.title.fr': 'Récit de campagne',
      'm.1.dateKind': 'relative',
      'm.1.days': '14',
      'm.1.time': '18:00',
      'm.1.evidence': 'url',
      'm.1.required': 'yes',
    };
    const refused = await press(browser, post, two.text, 'save', filled);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#field-m.0.place"');
    expect(refused.text).toMatch(/id="error-m\.0\.place"><span class="visually-hidden">[^<]*<\/span>Étape 1, Adresse/);
    expect(refused.text).toContain('value="Atelier de lancement"');

    const saved = await press(browser, post, refused.text, 'save', { 'm.0.place': 'Fablab, 12 rue du Port' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toContain('saved=plan');
    const api = (await t.http().get(`/api/programmes/${programme.id}/coaching/plan`).set(staff.headers)).body;
    expect(api.milestones).toMatchObject([
      {
        kind: 'session',
        title: { fr: 'Atelier de lancement', en: 'Kick-off workshop' },
        at: '2026-07-06T07:30:00.000Z',
        place: 'Fablab, 12 rue du Port',
        durationMinutes: 90,
        required: false,
      },
      { kind: 'deliverable', title: { fr: 'Récit de campagne' }, days: 14, time: '18:00', evidence: 'url', required: true },
    ]);
    const [kickoffId, storyId] = api.milestones.map((m: { id: string }) => m.id);

    const after = await openPage(browser, city.host, `${dashPath}?saved=plan`);
    expect(after.html).toContain('Le plan d&#x27;accompagnement est enregistré.');
    expect(after.html).toContain('value="2026-07-06T09:30"');
    const preview = after.html.slice(after.html.indexOf('id="preview-title"'));
    expect(preview).toContain('Atelier de lancement');
    expect(preview).toContain('90 minutes');
    expect(preview).toContain('Récit de campagne');

    // Move the deliverable up, add a third row, save; then remove the third one.
    const moved = await press(browser, post, after.html, 'up:1');
    expect(moved.status).toBe(200);
    expect(moved.text.indexOf('Récit de campagne')).toBeLessThan(moved.text.indexOf('Atelier de lancement'));
    const three = await press(browser, post, moved.text, 'add:deliverable');
    const savedThree = await press(browser, post, three.text, 'save', {
      'm.2.title.fr': 'Budget',
      'm.2.days': '21',
      'm.2.evidence': 'file',
    });
    expect(savedThree.status).toBe(303);
    let ids = (await t.http().get(`/api/programmes/${programme.id}/coaching/plan`).set(staff.headers)).body.milestones.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 2)).toEqual([storyId, kickoffId]);
    expect(ids).toHaveLength(3);
    const again = await openPage(browser, city.host, dashPath);
    const removed = await press(browser, post, again.html, 'save', { 'm.2.remove': 'yes' });
    expect(removed.status).toBe(303);
    ids = (await t.http().get(`/api/programmes/${programme.id}/coaching/plan`).set(staff.headers)).body.milestones.map((m: { id: string }) => m.id);
    expect(ids).toEqual([storyId, kickoffId]);

    // Entering coaching: the laureate sees the schedule the preview showed.
    await t.http().post(`/api/programmes/${programme.id}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    const lau = await signIn(laureates[0].email, laureates[0].userId);
    const schedule = await openPage(lau, city.host, `/coaching/programmes/${programme.id}?lang=en`);
    expect(schedule.status).toBe(200);
    expect(schedule.html).toContain('Kick-off workshop');
    expect(schedule.html).toContain('Fablab, 12 rue du Port');
    expect(schedule.html).toContain('90 minutes');
    expect(schedule.html).toMatch(/Récit de campagne/);
    expect(schedule.html).toMatch(/July 14, 2026|14 July 2026/);
  });
});
