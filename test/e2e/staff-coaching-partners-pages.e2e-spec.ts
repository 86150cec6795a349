import { AuthService } from '../../src/auth/auth.service.js';
import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';

/** Staff define the coaching plan and the partners from pages, without JavaScript. */
describe('staff pages for coaching and partners', () => {
  it('saves a plan from the dashboard, refuses a bad number of days next to its field, and adds a partner and a contact', async () => {
    const t = await startTestApp();
    try {
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff', { email: 'agent@city.test' });
      await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
      const p = await createProgramme(t, city, staff, { phase: 'announced' });
      const browser = t.http();
      const signIn = await openPage(browser, city.host, '/sign-in');
      await browser
        .post('/sign-in/password')
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: signIn.csrf, email: 'agent@city.test', password: 'a long enough password' })
        .expect(303);

      const dash = await openPage(browser, city.host, `/staff/programmes/${p.id}/coaching`);
      expect(dash.status).toBe(200);
      const path = `/staff/programmes/${p.id}/coaching/plan`;
      const rows = {
        _csrf: dash.csrf,
        count: '2',
        'm.0.kind': 'session',
        'm.0.id': 'kickoff',
        'm.0.title.fr': 'Atelier de lancement',
        'm.0.title.en': 'Kick-off workshop',
        'm.0.dateKind': 'relative',
        'm.0.days': '0',
        'm.0.time': '09:30',
        'm.0.placeKind': 'place',
        'm.0.place': 'Fablab',
        'm.1.kind': 'deliverable',
        'm.1.id': 'story',
        'm.1.title.fr': 'Récit de campagne',
        'm.1.dateKind': 'relative',
        'm.1.days': 'fourteen',
        'm.1.time': '18:00',
        'm.1.evidence': 'text',
        'm.1.required': 'yes',
        op: 'save',
      };
      const bad = await browser.post(path).set('Host', city.host).type('form').send(rows);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('href="#field-m.1.days"');
      expect(bad.text).toContain('value="fourteen"');
      const saved = await browser
        .post(path)
        .set('Host', city.host)
        .type('form')
        .send({ ...rows, 'm.1.days': '14' });
      expect(saved.status).toBe(303);
      const api = await t.http().get(`/api/programmes/${p.id}/coaching/plan`).set(staff.headers);
      expect(api.body.milestones.map((m: { id: string }) => m.id)).toEqual(['kickoff', 'story']);
      expect(api.body.milestones[0].title).toEqual({ fr: 'Atelier de lancement', en: 'Kick-off workshop' });

      const matching = await openPage(browser, city.host, `/staff/programmes/${p.id}/matching`);
      expect(matching.html).toMatch(/<textarea id="field-description" name="description.fr" lang="fr"/);
      expect(matching.html).toMatch(/<textarea id="field-description.en" name="description.en" lang="en"/);
      const added = await browser.post(`/staff/programmes/${p.id}/matching/partner`).set('Host', city.host).type('form').send({
        _csrf: matching.csrf,
        name: 'Université de Lumière',
        'description.fr': 'Laboratoires et étudiants',
        'description.en': 'Labs and students',
        expertise: 'design, research',
        themes: 'repair',
        capacity: '2',
        matchFundingEuros: '5000',
      });
      expect(added.status).toBe(303);
      const partners = await t.http().get(`/api/programmes/${p.id}/partners`).set(staff.headers);
      const partner = (partners.body.partners ?? partners.body)[0];
      expect(partner).toMatchObject({
        name: 'Université de Lumière',
        description: { fr: 'Laboratoires et étudiants', en: 'Labs and students' },
        expertise: ['design', 'research'],
        capacity: 2,
        matchFundingCents: 500_000,
      });
      const noName = await browser
        .post(`/staff/programmes/${p.id}/matching/partner`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: matching.csrf, name: '' });
      expect(noName.status).toBe(400);
      const contact = await browser
        .post(`/staff/programmes/${p.id}/matching/contact`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: matching.csrf, partnerId: partner.id, displayName: 'Paul Durand', email: 'paul@univ.example' });
      expect(contact.status).toBe(303);
    } finally {
      await t.close();
    }
  });
});
