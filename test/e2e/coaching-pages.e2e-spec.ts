import { AuthService } from '../../src/auth/auth.service.js';
import { createAnnouncedProgramme, TEST_PLAN, type TestLaureate } from '../factories/coaching.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

/** The coaching and partner pages, server-rendered: each form works without JavaScript, in both languages. */
describe('coaching and partner pages', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let coach: TestPerson;
  let programme: Programme;
  let laureates: TestLaureate[];

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

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-06-30T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@coach-pages.test' });
    coach = await createPerson(t, city, 'coach', { email: 'coach@coach-pages.test' });
    ({ programme, laureates } = await createAnnouncedProgramme(t, city, staff, 2, { prefix: 'pg' }));
    const api = `/api/programmes/${programme.id}`;
    await t.http().put(`${api}/coaching/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
    await t.http().post(`${api}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    const uni = (
      await t
        .http()
        .post(`${api}/partners`)
        .set(staff.headers)
        .send({ name: 'Université', expertise: ['design'], capacity: 2 })
        .expect(201)
    ).body;
    await t.http().post(`${api}/partners/${uni.id}/contacts`).set(staff.headers).send({ email: 'paul@uni.example', displayName: 'Paul' }).expect(201);
  });
  afterAll(() => t.close());

  it('lets a laureate hand in a text, a coach ask for changes, staff see readiness, and staff run and confirm the matching', async () => {
    const lau = await signIn(laureates[0].email, laureates[0].userId);
    const schedule = await openPage(lau, city.host, `/coaching/programmes/${programme.id}?lang=en`);
    expect(schedule.status).toBe(200);
    expect(schedule.html).toContain('Campaign story');
    expect(schedule.html).toContain('0 of 2 required deliverables validated');
    const storyId = schedule.html.match(/id="milestone-([0-9a-f-]{36})" class="panel">\s*<h2 id="title-[0-9a-f-]+">Campaign story/)![1];
    const empty = await lau
      .post(`/coaching/programmes/${programme.id}/milestones/${storyId}`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: schedule.csrf, text: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('error-summary');
    await lau
      .post(`/coaching/programmes/${programme.id}/milestones/${storyId}`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: schedule.csrf, text: 'Our story, <b>bold</b>' })
      .expect(303);
    await lau
      .post(`/coaching/programmes/${programme.id}/reminders`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: schedule.csrf, muted: 'yes' })
      .expect(303);
    const cal = await lau.post(`/coaching/programmes/${programme.id}/calendar`).set('Host', city.host).type('form').send({ _csrf: schedule.csrf }).expect(200);
    expect(cal.text).toMatch(/\/coaching\/calendar\/[\w-]+\.ics/);
    const fr = await openPage(lau, city.host, `/coaching/programmes/${programme.id}?lang=fr`);
    expect(fr.html).toContain('Les rappels sont coupés.');
    expect(fr.html).toContain('Our story, &lt;b&gt;bold&lt;/b&gt;');
    const needs = await openPage(lau, city.host, `/partners/programmes/${programme.id}/needs?lang=en`);
    expect(needs.status).toBe(200);
    await lau
      .post(`/partners/programmes/${programme.id}/needs`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: needs.csrf, needs: 'design, finance' })
      .expect(303);

    const co = await signIn(coach.email, coach.userId);
    const review = await openPage(co, city.host, `/coaching/programmes/${programme.id}/coach?lang=en`);
    expect(review.status).toBe(200);
    expect(review.html).toContain('1 submission waiting for your review');
    await co
      .post(`/coaching/programmes/${programme.id}/coach/milestones/${storyId}`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: review.csrf, action: 'request_changes', comment: 'Shorter, please.' })
      .expect(303);
    const noComment = await co
      .post(`/coaching/programmes/${programme.id}/coach/milestones/${storyId}`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: review.csrf, action: 'validate' });
    expect(noComment.status).toBe(409);

    const st = await signIn(staff.email, staff.userId);
    const dash = await openPage(st, city.host, `/staff/programmes/${programme.id}/coaching?lang=en`);
    expect(dash.status).toBe(200);
    expect(dash.html).toContain('2 laureates not ready');
    const short = await st
      .post(`/staff/programmes/${programme.id}/coaching/override`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: dash.csrf, reason: 'no' });
    expect(short.status).toBe(400);
    await st
      .post(`/staff/programmes/${programme.id}/coaching/override`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: dash.csrf, reason: 'Budget files arrive next Monday.' })
      .expect(303);
    await st.post(`/staff/programmes/${programme.id}/coaching/schedules`).set('Host', city.host).type('form').send({ _csrf: dash.csrf }).expect(303);
    const programmePage = await openPage(st, city.host, `/staff/programmes/${programme.id}?lang=en`);
    expect(programmePage.html).toContain(`/staff/programmes/${programme.id}/matching`);

    const matching = await openPage(st, city.host, `/staff/programmes/${programme.id}/matching?lang=en`);
    expect(matching.status).toBe(200);
    await st.post(`/staff/programmes/${programme.id}/matching/run`).set('Host', city.host).type('form').send({ _csrf: matching.csrf }).expect(303);
    const proposed = await openPage(st, city.host, `/staff/programmes/${programme.id}/matching?lang=en`);
    expect(proposed.html).toContain('Needs met by the expertise');
    expect(proposed.html).toContain(laureates[0].title);
    // "Confirm and notify" goes through a confirmation page that counts the pairs, then posts to the usual route.
    expect(proposed.html).toContain(`href="/staff/programmes/${programme.id}/matching/confirm/confirm"`);
    const step = await openPage(st, city.host, `/staff/programmes/${programme.id}/matching/confirm/confirm?lang=en`);
    expect(step.html).toContain('<h1>Confirm the matching?</h1>');
    expect(step.html).toMatch(/\d pairs? will be confirmed and told by e-mail/);
    expect(step.html).toContain(`<form method="post" action="/staff/programmes/${programme.id}/matching/confirm"`);
    await st
      .post(`/staff/programmes/${programme.id}/matching/confirm`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: step.csrf })
      .expect(303)
      .expect('Location', `/staff/programmes/${programme.id}/matching?saved=confirm`);
    const done = await openPage(st, city.host, `/staff/programmes/${programme.id}/matching?saved=confirm&lang=en`);
    expect(done.html).toContain('The matching has been confirmed.');
    expect(done.html).toContain('<span class="badge badge-done">Confirmed</span>');

    const paul = await createPerson(t, city, 'partner', { programmeId: programme.id, email: 'paul@uni.example' });
    const partnerBrowser = await signIn('paul@uni.example', paul.userId);
    const partnerPage = await openPage(partnerBrowser, city.host, `/partners/programmes/${programme.id}?lang=en`);
    expect(partnerPage.status).toBe(200);
    expect(partnerPage.html).toContain(laureates[0].title);
    expect(partnerPage.html).toContain('milestones validated');
  });
});
