import type request from 'supertest';
import { ConsentService } from '../../src/privacy/consent.service.js';
import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { openPage, signInByPassword } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Issue 21, part 2: the rules version an applicant accepted, and optional consents recorded only when ticked, withdrawable. */
describe('privacy: accepted rules and consents', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: { id: string; slug: string };

  const consents = (email: string) =>
    t.ds.query(
      `SELECT purpose, programme_id, campaign_id, text_version, withdrawn_at, source FROM consent WHERE tenant_id = $1 AND email_key = $2 ORDER BY purpose`,
      [city.tenant.id, email],
    ) as Promise<
      Array<{ purpose: string; programme_id: string | null; campaign_id?: string | null; text_version: string; withdrawn_at: Date | null; source: string }>
    >;

  async function draft(maker: TestPerson): Promise<string> {
    const id: string = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201)).body.id;
    await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({ ...COMPLETE_APPLICATION, email: maker.email })
      .expect(200);
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'makers' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(() => t.close());

  it('records the rules version accepted at submission (0 before any is published) and no consent when nothing is ticked', async () => {
    const maker = await createPerson(t, city, null);
    const id = await draft(maker);
    const submitted = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).send({}).expect(200);
    expect(submitted.body.acceptedRulesVersion).toBe(0);
    expect(await consents(maker.email)).toEqual([]);

    await t
      .http()
      .put(`/api/privacy/programmes/${programme.id}/rules`)
      .set(staff.headers)
      .send({ body: { fr: 'Règlement v1' } })
      .expect(200);
    await t
      .http()
      .put(`/api/privacy/programmes/${programme.id}/rules`)
      .set(staff.headers)
      .send({ body: { fr: 'Règlement v2' } })
      .expect(200);
    const other = await createPerson(t, city, null);
    const id2 = await draft(other);
    const res = await t.http().post(`/api/applications/${id2}/submit`).set(other.headers).send({ consentPartnerContact: true }).expect(200);
    expect(res.body.acceptedRulesVersion).toBe(2);
    const rows = await consents(other.email);
    expect(rows).toEqual([expect.objectContaining({ purpose: 'partner_contact', programme_id: programme.id, source: 'apply', withdrawn_at: null })]);
    expect(rows[0].text_version).toMatch(/^partner_contact:[0-9a-f]{8}$/);
    // The first application still says what it accepted; staff see it on the application.
    expect((await t.http().get(`/api/applications/${id}`).set(maker.headers)).body.acceptedRulesVersion).toBe(0);
    const desk = await signInByPassword(t, city, staff);
    expect((await openPage(desk, city.host, `/staff/applications/${id2}`)).html).toContain(`href="/programmes/${programme.slug}/rules?version&#x3D;2"`);
    expect((await openPage(desk, city.host, `/staff/applications/${id}`)).html).toContain('les règles par défaut');
  });

  it('shows the rules link and two unticked optional boxes on the form; ticking one records it, and the person withdraws it', async () => {
    const maker = await createPerson(t, city, null);
    const id = await draft(maker);
    const browser: request.Agent = await signInByPassword(t, city, maker);
    const form = await openPage(browser, city.host, `/applications/${id}`);
    expect(form.html).toContain(`href="/programmes/${programme.slug}/rules"`);
    expect(form.html).toMatch(/<input type="checkbox" id="field-consentAuthorityNews" name="consentAuthorityNews" value="yes">/);
    expect(form.html).toMatch(/<input type="checkbox" id="field-consentPartnerContact" name="consentPartnerContact" value="yes">/);
    expect(form.html).toContain('aria-describedby="hint-email');
    const sent = await browser
      .post(`/applications/${id}`)
      .set('Host', city.host)
      .type('form')
      .send({
        _csrf: form.csrf,
        ...COMPLETE_APPLICATION,
        goalEuros: '6000',
        consent: 'yes',
        email: maker.email,
        action: 'submit',
        consentAuthorityNews: 'yes',
        q_team_size: '3',
        q_has_prototype: 'yes',
      });
    expect(sent.status).toBe(303);
    const rows = await consents(maker.email);
    expect(rows.map((r) => r.purpose)).toEqual(['authority_news']);
    expect(await t.app.get(ConsentService).hasConsent(t.ds.manager, city.tenant.id, maker.email, 'authority_news')).toBe(true);

    const page = await openPage(browser, city.host, '/me/consents');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Recevoir les nouvelles de la collectivité');
    const consentId = page.html.match(/action="\/me\/consents\/([0-9a-f-]{36})\/withdraw"/)![1];
    const withdrawn = await browser.post(`/me/consents/${consentId}/withdraw`).set('Host', city.host).type('form').send({ _csrf: page.csrf });
    expect(withdrawn.status).toBe(303);
    expect(withdrawn.headers.location).toBe('/me/consents?saved=withdrawn');
    const after = await openPage(browser, city.host, '/me/consents?saved=withdrawn');
    expect(after.html).toContain('Votre consentement est retiré.');
    expect(after.html).toContain('Consentements retirés');
    expect(await t.app.get(ConsentService).hasConsent(t.ds.manager, city.tenant.id, maker.email, 'authority_news')).toBe(false);
    // Withdrawing twice, or someone else's: 404.
    expect((await browser.post(`/me/consents/${consentId}/withdraw`).set('Host', city.host).type('form').send({ _csrf: page.csrf })).status).toBe(404);
  });

  it('records "this project\'s news" from the contribution form only when ticked, and keeps what was ticked when the form comes back with a problem', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { slug: 'news' });
    await w.open();
    const [c] = w.campaigns;
    const path = `/programmes/${w.programme.slug}/campaigns/${c.slug}`;
    const citizen = t.http();
    const page = await openPage(citizen, city.host, path);
    expect(page.html).toMatch(
      /<input type="checkbox" id="field-consentCampaignNews" name="consentCampaignNews" value="yes" aria-describedby="hint-consentCampaignNews">/,
    );
    const key = () => page.html.match(/name="idempotencyKey" value="([^"]+)"/)![1];
    const base = { _csrf: page.csrf, locale: 'fr', amount: '20' };
    await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...base, idempotencyKey: key(), email: 'quiet@example.org' })
      .expect(303);
    const again = await openPage(citizen, city.host, path);
    const ticked = {
      ...base,
      _csrf: again.csrf,
      idempotencyKey: again.html.match(/name="idempotencyKey" value="([^"]+)"/)![1],
      email: 'Fan@Example.org',
      consentCampaignNews: 'yes',
    };
    await citizen.post(`${path}/contribute`).set('Host', city.host).type('form').send(ticked).expect(303);
    expect(await consents('quiet@example.org')).toEqual([]);
    expect(await consents('fan@example.org')).toEqual([expect.objectContaining({ purpose: 'campaign_news', campaign_id: c.id, source: 'contribution' })]);
    const bad = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...ticked, amount: 'x', idempotencyKey: undefined });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('name="consentCampaignNews" value="yes" checked');
  });

  it('lists and withdraws consents through the API, only one own', async () => {
    const person = await createPerson(t, city, null);
    const id = await draft(person);
    await t.http().post(`/api/applications/${id}/submit`).set(person.headers).send({ consentAuthorityNews: true, consentPartnerContact: true }).expect(200);
    const list = await t.http().get('/api/me/consents').set(person.headers).expect(200);
    expect(list.body.consents.map((c: { purpose: string }) => c.purpose).sort()).toEqual(['authority_news', 'partner_contact']);
    const stranger = await createPerson(t, city, null);
    expect((await t.http().delete(`/api/me/consents/${list.body.consents[0].id}`).set(stranger.headers)).status).toBe(404);
    await t.http().delete(`/api/me/consents/${list.body.consents[0].id}`).set(person.headers).expect(204);
    const again = await t.http().get('/api/me/consents').set(person.headers).expect(200);
    expect(again.body.consents.filter((c: { withdrawnAt: string | null }) => c.withdrawnAt)).toHaveLength(1);
    expect((await t.http().delete('/api/me/consents/not-a-uuid').set(person.headers)).status).toBe(400);
  });
});
