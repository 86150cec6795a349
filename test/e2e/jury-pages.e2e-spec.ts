import { AuthService } from '../../src/auth/auth.service.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications, type EligibleApplication } from '../factories/jury.js';
import { openPage } from '../setup/pages.js';
import { formFields } from '../setup/forms.js';
import { settingsOf } from '../../src/jury/jury.settings.js';
import { JurySetupService } from '../../src/jury/jury-setup.service.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

/** The jury's pages work without JavaScript, for staff and for jurors. */
describe('jury pages', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let apps: EligibleApplication[];
  let staffBrowser: ReturnType<TestApp['http']>;

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
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@city.test' });
    programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    apps = await createEligibleApplications(t, city, programme.id, 3, { prefix: 'pg' });
    staffBrowser = await signIn('agent@city.test', staff.userId);
  });
  afterAll(() => t.close());

  it('lets staff compose the jury, jurors declare a conflict and score, and staff confirm the result', async () => {
    const base = `/staff/programmes/${programme.id}/jury`;
    const desk = await openPage(staffBrowser, city.host, `/staff/programmes/${programme.id}`);
    expect(desk.html).toContain(`href="${base}"`);
    const page = await openPage(staffBrowser, city.host, base);
    expect(page.status).toBe(200);

    const badSettings = await staffBrowser
      .post(`${base}/settings`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, method: 'scored_criteria', 'criteria.0.label.fr': '', 'criteria.0.weight': '1', laureates: '1', waitingList: '1' });
    expect(badSettings.status).toBe(400);
    expect(badSettings.text).toContain('href="#field-criteria"');
    await staffBrowser
      .post(`${base}/settings`)
      .set('Host', city.host)
      .type('form')
      .send({
        _csrf: page.csrf,
        method: 'scored_criteria',
        // Rows of fields, as the page has them: the ids come from the French labels (impact, faisabilite).
        'criteria.0.label.fr': 'Impact',
        'criteria.0.label.en': 'Impact',
        'criteria.0.weight': '2',
        'criteria.0.min': '0',
        'criteria.0.max': '5',
        'criteria.1.label.fr': 'Faisabilité',
        'criteria.1.label.en': 'Feasibility',
        'criteria.1.weight': '1',
        'criteria.1.min': '0',
        'criteria.1.max': '5',
        laureates: '1',
        waitingList: '1',
        blindReview: 'yes',
        normalisation: 'none',
        quorum: '1',
        maxFavourites: '10',
      })
      .expect(303)
      .expect('Location', `${base}?saved=settings`);
    // The save says it worked, in the page's language; an unknown value shows nothing (never echoed).
    expect((await openPage(staffBrowser, city.host, `${base}?saved=settings`)).html).toMatch(
      /<div class="notice notice-success" role="status"><p>Les réglages du jury sont enregistrés\.<\/p><\/div>/,
    );
    expect((await openPage(staffBrowser, city.host, `${base}?saved=settings&lang=en`)).html).toContain('The jury settings have been saved.');
    const bogus = await openPage(staffBrowser, city.host, `${base}?saved=%3Cb%3Ehi&lang=fr`);
    expect(bogus.html).not.toContain('notice-success');
    expect(bogus.html).not.toContain('<b>hi');

    const badInvite = await staffBrowser
      .post(`${base}/members`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email: 'nope', displayName: 'X' });
    expect(badInvite.status).toBe(400);
    expect(badInvite.text).toContain('href="#field-email"');
    await staffBrowser
      .post(`${base}/members`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email: 'camille@partner.example', displayName: 'Camille', organisation: 'Fablab', weight: '' })
      .expect(303);
    await staffBrowser.post(`${base}/open`).set('Host', city.host).type('form').send({ _csrf: page.csrf }).expect(303);

    const juror = await createPerson(t, city, 'juror', { programmeId: programme.id, email: 'camille@partner.example' });
    const jb = await signIn('camille@partner.example', juror.userId);
    const portalPath = `/jury/programmes/${programme.id}`;
    const portal = await openPage(jb, city.host, portalPath);
    expect(portal.status).toBe(200);
    for (const a of apps) expect(portal.html).toContain(a.title);
    // Jurors read each category's label in their language, never its key.
    expect(portal.html).toContain('<td>Réemploi</td>');
    expect(portal.html).toContain('<td>Réparation</td>');
    expect(portal.html).not.toMatch(/<td>(reuse|repair)<\/td>/);
    const portalEn = await openPage(jb, city.host, `${portalPath}?lang=en`);
    expect(portalEn.html).toContain('<td>Reuse</td>');
    expect(portalEn.html).toContain('<td>Repair</td>');
    await openPage(jb, city.host, `${portalPath}?lang=fr`);
    // Jurors cannot open the staff page.
    expect((await openPage(jb, city.host, base)).status).toBe(403);

    const readPath = `${portalPath}/applications/${apps[0].id}`;
    const read = await openPage(jb, city.host, readPath);
    expect(read.html).toContain(apps[0].title);
    expect(read.html).not.toContain(apps[0].email);
    expect(read.html).not.toContain('Porteur 1');

    const unconfirmed = await jb.post(`${readPath}/conflict`).set('Host', city.host).type('form').send({ _csrf: read.csrf, reason: 'Ma sœur' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('href="#field-confirm"');
    const declared = await jb.post(`${readPath}/conflict`).set('Host', city.host).type('form').send({ _csrf: read.csrf, reason: 'Ma sœur', confirm: 'yes' });
    expect(declared.status).toBe(303);
    const after = await openPage(jb, city.host, portalPath);
    expect(after.html).toContain('Vos conflits d&#x27;intérêts déclarés');
    expect(after.html).not.toContain(`applications/${apps[0].id}"`);

    const scorePath = `${portalPath}/applications/${apps[1].id}`;
    const scoring = await openPage(jb, city.host, scorePath);
    const bad = await jb
      .post(`${scorePath}/ballot`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: scoring.csrf, score_impact: '9', score_faisabilite: '3' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#field-score_impact"');
    expect(bad.text).toContain('value="9"');
    expect(bad.text).toContain('Faisabilité (0–5)');
    await jb
      .post(`${scorePath}/ballot`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: scoring.csrf, score_impact: '4', score_faisabilite: '3', comment: 'Solide' })
      .expect(303);
    await jb.post(`${scorePath}/note`).set('Host', city.host).type('form').send({ _csrf: scoring.csrf, note: 'Appeler le fablab' }).expect(303);
    const scored = await openPage(jb, city.host, scorePath);
    expect(scored.html).toContain('value="4"');
    expect(scored.html).toContain('Appeler le fablab');
    const other = await openPage(jb, city.host, `${portalPath}/applications/${apps[2].id}`);
    await jb
      .post(`${portalPath}/applications/${apps[2].id}/ballot`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: other.csrf, score_impact: '2', score_faisabilite: '2' })
      .expect(303);

    const progress = await openPage(staffBrowser, city.host, base);
    expect(progress.html).toContain('Camille');
    // The vote's state is a badge by meaning (in progress), with its text; the sub-navigation marks this page.
    expect(progress.html).toContain('<span class="badge badge-progress">Vote ouvert</span>');
    expect(progress.html).toContain(`<a href="${base}" aria-current="page">`);
    // "Clore le vote" leads to a confirmation page that says what will happen and to how many.
    expect(progress.html).toContain(`href="${base}/close/confirm"`);
    expect(progress.html).not.toContain(`action="${base}/close"`);
    const closeStep = await openPage(staffBrowser, city.host, `${base}/close/confirm`);
    expect(closeStep.status).toBe(200);
    expect(closeStep.html).toContain('<h1>Clore le vote ?</h1>');
    expect(closeStep.html).toContain('1 juré ne pourra plus modifier ses notes.');
    expect(closeStep.html).toContain('3 candidatures seront classées.');
    expect(closeStep.html).toContain(`<form method="post" action="${base}/close"`);
    expect(closeStep.html).toContain(`href="${base}" class="cancel-link"`);
    const closeStepEn = await openPage(staffBrowser, city.host, `${base}/close/confirm?lang=en`);
    expect(closeStepEn.html).toContain('1 juror will no longer be able to change their scores.');
    await openPage(staffBrowser, city.host, `${base}?lang=fr`);
    expect((await openPage(staffBrowser, city.host, `${base}/nothing/confirm`)).status).toBe(404);
    // Confirming posts to the vote's usual route (the one API-like forms use).
    await staffBrowser
      .post(`${base}/close`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: closeStep.csrf })
      .expect(303)
      .expect('Location', `${base}?saved=close`);
    expect((await openPage(staffBrowser, city.host, `${base}?saved=close`)).html).toContain('Le vote est clos : les candidatures sont classées.');
    // After the close, the juror's ballot is read-only.
    const closed = await jb
      .post(`${scorePath}/ballot`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: scoring.csrf, score_impact: '1', score_faisabilite: '1' });
    expect(closed.status).toBe(409);

    const results = await openPage(staffBrowser, city.host, base);
    expect(results.html).toContain(apps[1].receiptNumber);
    expect(results.html).toContain('Lauréat');
    const override = await staffBrowser
      .post(`${base}/confirm`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: results.csrf, laureates: apps[2].receiptNumber, waitingList: apps[1].receiptNumber, justification: '' });
    expect(override.status).toBe(400);
    expect(override.text).toContain('href="#field-justification"');
    await staffBrowser
      .post(`${base}/confirm`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: results.csrf, laureates: apps[1].receiptNumber, waitingList: apps[2].receiptNumber })
      .expect(303);
    const confirmed = await openPage(staffBrowser, city.host, base);
    expect(confirmed.html).toContain('Annoncer les résultats');
    expect(confirmed.html).toContain(`href="${base}/announce/confirm"`);
    const announceStep = await openPage(staffBrowser, city.host, `${base}/announce/confirm`);
    expect(announceStep.html).toContain('<h1>Annoncer les résultats ?</h1>');
    expect(announceStep.html).toContain('1 lauréat, 1 en liste d&#x27;attente');
    expect(announceStep.html).toMatch(/\d candidats recevront leur résultat par e-mail/);
    await staffBrowser
      .post(`${base}/announce`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: announceStep.csrf })
      .expect(303)
      .expect('Location', `${base}?saved=announce`);
    const announced = await openPage(staffBrowser, city.host, `${base}?saved=announce&lang=en`);
    expect(announced.html).toContain('The results have been announced to the applicants.');
  });
  it('edits the criteria and quotas as rows of fields, as a browser posts them', async () => {
    const other = await createProgramme(t, city, staff, { phase: 'jury', slug: 'rows' });
    await createCall(t, city, staff, other.id);
    const base = `/staff/programmes/${other.id}/jury`;
    const post = (fields: Record<string, string>) => staffBrowser.post(`${base}/settings`).set('Host', city.host).type('form').send(fields);
    const stored = async () => settingsOf((await t.app.get(JurySetupService).overview(city.tenant, other.id)).jury);

    // No pipe syntax left: one empty criterion row and one empty quota row, the categories by their label.
    let page = await openPage(staffBrowser, city.host, `${base}?lang=fr`);
    const settingsForm = page.html.slice(page.html.indexOf('id="jury-settings"'));
    expect(settingsForm.slice(0, settingsForm.indexOf('</form>'))).not.toContain(' | ');
    expect(page.html).toContain('name="criteria.0.label.fr"');
    expect(page.html).toContain('name="criteria.0.label.en"');
    expect(page.html).toMatch(/<select id="field-quotas\.0\.group" name="quotas\.0\.group"[^>]*>[\s\S]*<option value="reuse">Réemploi<\/option>/);
    let fields = formFields(page.html, 'jury-settings');
    expect(fields['criteria.0.weight']).toBe('1');

    // Two criteria, typed in the empty row and in one more row (as a page shown again would have it).
    fields = {
      ...fields,
      method: 'scored_criteria',
      'criteria.0.label.fr': 'Impact local',
      'criteria.0.label.en': 'Local impact',
      'criteria.0.weight': '2',
      'criteria.1.label.fr': 'Été 2026 !',
      'criteria.1.label.en': 'Summer 2026',
      'criteria.1.weight': '1',
      'criteria.1.min': '0',
      'criteria.1.max': '10',
    };
    await post(fields).expect(303).expect('Location', `${base}?saved=settings`);
    let s = await stored();
    expect(s.criteria.map((c) => [c.id, c.label, c.weight, c.max])).toEqual([
      ['impact_local', { fr: 'Impact local', en: 'Local impact' }, 2, 5],
      ['ete_2026', { fr: 'Été 2026 !', en: 'Summer 2026' }, 1, 10],
    ]);
    page = await openPage(staffBrowser, city.host, `${base}?saved=settings`);
    expect(page.html).toContain('Les réglages du jury sont enregistrés.');
    expect(page.html).toContain('<input type="hidden" name="criteria.0.id" value="impact_local">');

    // Change a weight, rename a label (the id stays), remove the other one, add a quota.
    fields = formFields(page.html, 'jury-settings');
    expect(fields['criteria.2.label.fr']).toBe('');
    fields['criteria.0.weight'] = '3';
    fields['criteria.0.label.fr'] = 'Impact sur le quartier';
    fields['criteria.1.remove'] = 'yes';
    fields['quotas.0.group'] = 'repair';
    fields['quotas.0.min'] = '1';
    await post(fields).expect(303);
    s = await stored();
    expect(s.criteria.map((c) => [c.id, c.label.fr, c.weight])).toEqual([['impact_local', 'Impact sur le quartier', 3]]);
    expect(s.quotas).toEqual([{ dimension: 'category', group: 'repair', min: 1 }]);
    page = await openPage(staffBrowser, city.host, base);
    expect(page.html).toMatch(/<option value="repair" selected>Réparation<\/option>/);

    // A refused weight is shown next to its row's field, the row named in the message; what was typed stays.
    fields = formFields(page.html, 'jury-settings');
    fields['criteria.0.weight'] = '0';
    const refused = await post(fields);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#field-criteria.0.weight"');
    expect(refused.text).toMatch(/<p class="error-message" id="error-criteria\.0\.weight">[\s\S]*?Critère « Impact sur le quartier », Poids/);
    expect(refused.text).toMatch(/id="field-criteria\.0\.weight"[^>]*value="0"|value="0"[^>]*id="field-criteria\.0\.weight"/);
    expect((await stored()).criteria[0].weight).toBe(3);
  });
});
