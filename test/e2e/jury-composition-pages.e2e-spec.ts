import { AuthService } from '../../src/auth/auth.service.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications } from '../factories/jury.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** Staff change the jury's members from the page, without JavaScript: edit, remove (after a confirmation), resend. */
describe('jury composition on the staff page', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-05-04T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@jury-members.test' });
  });
  afterAll(() => t.close());

  it('edits a member, resends an invitation, removes a member after confirming, and refuses changes once the vote is open', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    await createEligibleApplications(t, city, programme.id, 2, { prefix: 'jc' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: staff.email, password: 'a long enough password' })
      .expect(303);
    const base = `/staff/programmes/${programme.id}/jury`;
    const api = `/api/programmes/${programme.id}/jury`;
    const page = await openPage(browser, city.host, base);
    const send = (path: string, body: Record<string, string> = {}) =>
      browser
        .post(path)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: page.csrf, ...body });
    for (const [email, displayName] of [
      ['claire@jury.example', 'Claire Martin'],
      ['paul@jury.example', 'Paul Durand'],
    ])
      await send(`${base}/members`, { email, displayName, organisation: 'Fablab', weight: '' }).expect(303);
    const members = async () =>
      (await t.http().get(api).set(staff.headers)).body.members as Array<{ id: string; displayName: string; organisation: string; weight: number }>;
    const [claire, paul] = await members();
    const listed = await openPage(browser, city.host, `${base}?saved=member`);
    expect(listed.html).toContain('L&#x27;invitation est envoyée et le membre ajouté au jury.');
    expect(listed.html).toContain(`id="member-${claire.id}"`);

    // Edit: a bad weight is refused next to the member's field, named after the member.
    const bad = await send(`${base}/members/${claire.id}`, { organisation: 'Université', weight: '0' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain(`href="#field-member.${claire.id}.weight"`);
    expect(bad.text).toMatch(/Claire Martin, Poids/);
    expect(bad.text).toContain('value="Université"');
    const edited = await send(`${base}/members/${claire.id}`, { organisation: 'Université', weight: '2,5' });
    expect(edited.status).toBe(303);
    expect(edited.headers.location).toContain('saved=memberUpdated');
    expect((await members()).find((m) => m.id === claire.id)).toMatchObject({ organisation: 'Université', weight: 2.5 });
    expect((await openPage(browser, city.host, `${base}?saved=memberUpdated`)).html).toContain('Le membre est enregistré.');

    // Resend: too soon after the invitation, then a minute later.
    const soon = await send(`${base}/members/${paul.id}/invitation`);
    expect(soon.status).toBe(429);
    expect(soon.text).toContain('moins d’une minute');
    t.clock.advance(2 * 60_000);
    const resent = await send(`${base}/members/${paul.id}/invitation`);
    expect(resent.status).toBe(303);
    expect((await openPage(browser, city.host, `${base}?saved=invitationSent`)).html).toContain('Une nouvelle invitation est envoyée.');

    // Remove: the page names the member and asks to confirm; then the member is gone.
    const confirm = await openPage(browser, city.host, `${base}?remove=${paul.id}`);
    expect(confirm.html).toContain('Retirer Paul Durand du jury ?');
    expect(confirm.html).toContain('paul@jury.example');
    expect(confirm.html).toContain(`action="${base}/members/${paul.id}/remove"`);
    expect((await members()).map((m) => m.id)).toContain(paul.id);
    const removed = await send(`${base}/members/${paul.id}/remove`);
    expect(removed.status).toBe(303);
    expect((await members()).map((m) => m.id)).toEqual([claire.id]);
    expect((await openPage(browser, city.host, `${base}?saved=memberRemoved`)).html).toContain('Le membre est retiré du jury.');

    // Once the vote is open: no edit or remove, and a forged post says why.
    await send(`${base}/open`).expect(303);
    const open = await openPage(browser, city.host, base);
    expect(open.html).toContain('Le vote est ouvert : les membres ne peuvent plus être modifiés ni retirés.');
    expect(open.html).not.toContain(`${base}/members/${claire.id}/remove`);
    expect(open.html).toContain(`${base}/members/${claire.id}/invitation`);
    const late = await send(`${base}/members/${claire.id}`, { organisation: 'X', weight: '1' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('href="#field-members"');
    expect(late.text).toContain('Le vote est ouvert : le jury et sa méthode ne peuvent plus changer.');
    const lateRemove = await send(`${base}/members/${claire.id}/remove`);
    expect(lateRemove.status).toBe(409);
    expect(lateRemove.text).toContain('Le vote est ouvert : le jury et sa méthode ne peuvent plus changer.');
    expect((await members()).map((m) => m.id)).toEqual([claire.id]);
  });
});
