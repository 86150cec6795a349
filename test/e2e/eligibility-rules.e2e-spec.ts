import { ReportsRepository } from '../../src/reports/reports.repository.js';
import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage, signInByPassword } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

const TEAM_RULE = {
  field: 'answers.team_size',
  operator: 'at_least',
  value: 2,
  message: { fr: "Il faut une équipe d'au moins deux personnes.", en: 'A team of at least two people is needed.' },
  mode: 'blocking',
};
const SIRET_RULE = {
  field: 'answers.siret',
  operator: 'is_filled',
  when: { field: 'category', equals: 'repair' },
  message: { fr: 'Un atelier de réparation donne son SIRET.', en: 'A repair workshop gives its SIRET.' },
  mode: 'blocking',
};
const SIRET = { key: 'siret', kind: 'short_text', label: { fr: 'Numéro SIRET', en: 'SIRET number' }, required: false };

/** Blocking and advisory rules, rules on questions with a condition, the desk deciding, and the builder's rules page. */
describe('eligibility rules', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let formQuestions: Array<Record<string, unknown>>;

  async function browserFor(person: TestPerson, email: string) {
    const browser = await signInByPassword(t, city, { userId: person.userId, email: email });
    return browser;
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'rules-staff@city.test' });
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'rules' });
    const base = await createCall(t, city, staff, programme.id, {});
    formQuestions = [...base.form, SIRET];
    await createCall(t, city, staff, programme.id, { form: formQuestions, ruleModes: { territory: 'advisory' }, rules: [TEAM_RULE, SIRET_RULE] });
  });
  afterAll(() => t.close());

  async function draft(person: TestPerson, patch: Record<string, unknown>): Promise<string> {
    const started = await t.http().post(`/api/programmes/${programme.id}/applications`).set(person.headers).send({});
    expect(started.status).toBe(201);
    await t.http().patch(`/api/applications/${started.body.id}`).set(person.headers).send(patch).expect(200);
    return started.body.id;
  }

  it('stores the rules with an id each, and gives them back with the call', async () => {
    const call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
    expect(call.ruleModes).toEqual({ territory: 'advisory' });
    expect(call.rules).toHaveLength(2);
    expect(call.rules[0]).toMatchObject({ ...TEAM_RULE, id: expect.stringMatching(/^[a-z0-9-]+$/) });
    expect(call.rules[1].when).toEqual({ field: 'category', equals: 'repair' });
  });

  it('refuses a rule on a question the form does not have, naming it', async () => {
    const bad = await t
      .http()
      .put(`/api/programmes/${programme.id}/call`)
      .set(staff.headers)
      .send({
        ...(await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers)).body,
        programmeId: undefined,
        rules: [{ ...TEAM_RULE, field: 'answers.nope' }],
      });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('rules.0.field');
  });

  it('a blocking rule refuses the submission with a 400 naming the field, in the reader’s language', async () => {
    const maker = await createPerson(t, city, null);
    const id = await draft(maker, { ...COMPLETE_APPLICATION, category: 'reuse', answers: { ...COMPLETE_APPLICATION.answers, team_size: 1 } });
    const refused = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).set('Accept-Language', 'en');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([{ field: 'answers.team_size', message: 'A team of at least two people is needed.' }]);
    const fr = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).set('Accept-Language', 'fr');
    expect(fr.body.errors).toEqual([{ field: 'answers.team_size', message: "Il faut une équipe d'au moins deux personnes." }]);
  });

  it('a rule with a condition applies only when its condition holds', async () => {
    const maker = await createPerson(t, city, null);
    // Category "repair": the SIRET is asked for.
    const id = await draft(maker, { ...COMPLETE_APPLICATION, category: 'repair' });
    const refused = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).set('Accept-Language', 'en');
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'answers.siret', message: 'A repair workshop gives its SIRET.' }]);
    // Category "reuse": it is not.
    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send({ category: 'reuse' }).expect(200);
    const ok = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers);
    expect(ok.status).toBe(200);
    expect(ok.body.warnings).toEqual([]);
  });

  it('an advisory rule warns, lets the applicant submit, shows on the desk, and staff decide ineligible with a reason', async () => {
    const maker = await createPerson(t, city, null, { email: 'outside@city.test' });
    const id = await draft(maker, { ...COMPLETE_APPLICATION, category: 'reuse', commune: 'Paris', postcode: '75001', title: 'Atelier parisien' });
    const read = await t.http().get(`/api/applications/${id}`).set(maker.headers).set('Accept-Language', 'en');
    expect(read.body.missing).toEqual([]);
    expect(read.body.warnings).toEqual([{ rule: 'territory', field: 'commune', text: 'The project must take place in one of the communes of the territory.' }]);

    // The applicant's own page warns them before they submit.
    const applicant = await browserFor(maker, 'outside@city.test');
    const form = await openPage(applicant, city.host, `/applications/${id}`);
    expect(form.html).toContain('id="eligibility-warnings"');
    expect(form.html).toContain('Le projet doit se dérouler dans l&#x27;une des communes du territoire.');

    const submitted = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers);
    expect(submitted.status).toBe(200);
    const receipt = await openPage(applicant, city.host, `/applications/${id}/receipt`);
    expect(receipt.html).toContain('Points que l&#x27;équipe examinera avant de décider');
    expect(submitted.body.status).toBe('submitted');
    expect(submitted.body.warnings.map((w: { rule: string }) => w.rule)).toEqual(['territory']);

    const desk = await browserFor(staff, 'rules-staff@city.test');
    const list = await openPage(desk, city.host, `/staff/programmes/${programme.id}/applications?eligibility=fails`);
    expect(list.status).toBe(200);
    const row = list.html.slice(list.html.indexOf('Atelier parisien'));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/Indicative<\/span> Le projet doit se dérouler dans l&#x27;une des communes du territoire\./);

    const review = await openPage(desk, city.host, `/staff/applications/${id}`);
    expect(review.html).toContain('1 règle indicative n&#x27;est pas respectée');
    expect(review.html).toMatch(/✘ non respectée<\/strong> \(Indicative\) : Le projet doit se dérouler/);

    // The desk's form and the API both decide on it (it was submitted, so no 409).
    const decided = await desk
      .post(`/staff/applications/${id}/decision`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: review.csrf, decision: 'ineligible', reason: 'Hors du territoire de la métropole' });
    expect(decided.status).toBe(303);
    const api = await t
      .http()
      .post(`/api/applications/${id}/decision`)
      .set(staff.headers)
      .send({ decision: 'ineligible', reason: 'Projet à Paris, hors territoire' });
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ screening: 'ineligible', screeningReason: 'Projet à Paris, hors territoire' });
    // The report counts it as received, not as eligible.
    const funnel = await t.app.get(ReportsRepository).funnelCounts(city.tenant.id, programme.id);
    expect(funnel.received).toBeGreaterThan(funnel.eligible);
  });

  it('a blocking fixed rule still refuses as before', async () => {
    const maker = await createPerson(t, city, null);
    const id = await draft(maker, { ...COMPLETE_APPLICATION, category: 'reuse', goalCents: 2_000_000 });
    const refused = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['goalCents']);
  });

  it('an advisory one-per-applicant rule lets a second application in, flagged on the desk', async () => {
    const call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
    const { programmeId: _p, ...dto } = call;
    await t
      .http()
      .put(`/api/programmes/${programme.id}/call`)
      .set(staff.headers)
      .send({ ...dto, ruleModes: { ...call.ruleModes, one_per_applicant: 'advisory' } })
      .expect(200);
    const twice = await createPerson(t, city, null);
    for (const title of ['Premier atelier', 'Second atelier']) {
      const id = await draft(twice, { ...COMPLETE_APPLICATION, category: 'reuse', title });
      await t.http().post(`/api/applications/${id}/submit`).set(twice.headers).expect(200);
    }
    const listed = (await t.http().get(`/api/programmes/${programme.id}/applications?eligibility=fails`).set(staff.headers).expect(200)).body;
    const mine = listed.items.filter((a: { title: string }) => a.title.endsWith(' atelier'));
    expect(mine).toHaveLength(2);
    for (const a of mine) expect(a.rules.find((r: { rule: string }) => r.rule === 'one_per_applicant')).toMatchObject({ passed: false, mode: 'advisory' });
    await t
      .http()
      .put(`/api/programmes/${programme.id}/call`)
      .set(staff.headers)
      .send({ ...dto, ruleModes: call.ruleModes })
      .expect(200);
  });

  describe('the call builder’s rules page', () => {
    let browser: ReturnType<TestApp['http']>;
    let path: string;
    beforeAll(async () => {
      browser = await browserFor(staff, 'rules-staff@city.test');
      path = `/staff/programmes/${programme.id}/call/rules`;
    });

    it('lists the rules in words, without ids or JSON, and saves the fixed rules’ modes', async () => {
      const builder = await openPage(browser, city.host, `/staff/programmes/${programme.id}/call`);
      expect(builder.html).toContain(`href="${path}"`);
      const page = await openPage(browser, city.host, path);
      expect(page.status).toBe(200);
      expect(page.html).toContain('« Taille de l&#x27;équipe » est au moins 2');
      expect(page.html).toContain('« Numéro SIRET » est remplie, quand « Catégorie » est « Réparation »');
      expect(page.html).not.toMatch(/JSON|answers\.team_size/);
      const saved = await browser
        .post(path)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: page.csrf, 'mode.territory': 'advisory', 'mode.goal': 'advisory', 'mode.category': 'blocking', 'mode.one_per_applicant': 'blocking' });
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toContain('saved=modes');
      const after = await openPage(browser, city.host, saved.headers.location);
      expect(after.html).toContain('Les règles de l&#x27;appel ont été enregistrées.');
      expect(after.html).toMatch(/id="mode-goal-advisory" name="mode.goal" value="advisory" checked/);
      const call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      expect(call.ruleModes).toEqual({ territory: 'advisory', goal: 'advisory', category: 'blocking', one_per_applicant: 'blocking' });
      expect(call.rules).toHaveLength(2);
    });

    it('adds a rule on a choice question picked by its label, with its options as checkboxes, and says it was saved', async () => {
      const form = await openPage(browser, city.host, `${path}/new`);
      expect(form.status).toBe(200);
      expect(form.html).toContain('<option value="answers.materials">Matériaux</option>');
      const picked = await browser
        .post(`${path}/new`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: form.csrf, action: 'pick', field: 'answers.materials', operator: 'one_of' });
      expect(picked.status).toBe(200);
      expect(picked.text).toContain('name="values" value="wood"');
      expect(picked.text).toContain('<label class="inline-label" for="value-wood">Bois</label>');
      // Without a message: refused next to the field, what was typed kept.
      const missing = await browser
        .post(`${path}/new`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: form.csrf, action: 'save', field: 'answers.materials', operator: 'one_of', values: ['wood'], mode: 'advisory', 'message.fr': '' });
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('id="error-message"');
      // "is one of" with nothing typed on a number question: said in French with the form's own label.
      const empty = await browser
        .post(`${path}/new`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: form.csrf, action: 'save', field: 'answers.team_size', operator: 'one_of', value: '', mode: 'advisory', 'message.fr': 'Équipe' });
      expect(empty.status).toBe(400);
      expect(empty.text).not.toMatch(/rules?\.\d*\.?value|choose among/);
      expect(empty.text).toContain('id="error-value"');
      const saved = await browser
        .post(`${path}/new`)
        .set('Host', city.host)
        .type('form')
        .send({
          _csrf: form.csrf,
          action: 'save',
          field: 'answers.materials',
          operator: 'one_of',
          values: ['wood', 'textile'],
          when: 'answers.has_prototype=yes',
          'message.fr': 'Le prototype doit être en bois ou en textile.',
          'message.en': 'The prototype must be made of wood or textile.',
          mode: 'advisory',
        });
      expect(saved.status).toBe(303);
      const list = await openPage(browser, city.host, saved.headers.location);
      expect(list.html).toContain('La règle a été enregistrée.');
      expect(list.html).toContain('« Matériaux » est l&#x27;une de Bois, Textile, quand « Avez-vous un prototype ? » est « oui »');
      const call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      expect(call.rules[2]).toMatchObject({
        field: 'answers.materials',
        operator: 'one_of',
        value: ['wood', 'textile'],
        when: { field: 'answers.has_prototype', equals: 'yes' },
        mode: 'advisory',
      });
    });

    it('edits a rule, and removes one only after a confirmation', async () => {
      let call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      const team = call.rules[0];
      const edit = await openPage(browser, city.host, `${path}/${team.id}`);
      expect(edit.html).toMatch(/<option value="at_least" selected>est au moins<\/option>/);
      expect(edit.html).toContain('value="2"');
      const saved = await browser.post(`${path}/${team.id}`).set('Host', city.host).type('form').send({
        _csrf: edit.csrf,
        action: 'save',
        field: 'answers.team_size',
        operator: 'at_least',
        value: '3',
        'message.fr': 'Trois personnes au moins.',
        mode: 'blocking',
      });
      expect(saved.status).toBe(303);
      call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      expect(call.rules[0]).toMatchObject({ id: team.id, value: 3, message: { fr: 'Trois personnes au moins.' } });

      const confirm = await openPage(browser, city.host, `${path}/${team.id}/remove`);
      expect(confirm.status).toBe(200);
      expect(confirm.html).toContain('Supprimer cette règle ?');
      expect(confirm.html).toContain('« Taille de l&#x27;équipe » est au moins 3');
      const removed = await browser.post(`${path}/${team.id}/remove`).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
      expect(removed.status).toBe(303);
      expect((await openPage(browser, city.host, removed.headers.location)).html).toContain('La règle a été supprimée.');
      call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      expect(call.rules.map((r: { id: string }) => r.id)).not.toContain(team.id);
      expect((await openPage(browser, city.host, `${path}/${team.id}`)).status).toBe(404);
    });

    it('keeps a question a rule reads from being removed by the form editor', async () => {
      const call = (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;
      const { programmeId: _p, ruleModes: _m, rules: _r, ...dto } = call;
      const res = await t
        .http()
        .put(`/api/programmes/${programme.id}/call`)
        .set(staff.headers)
        .send({ ...dto, form: call.form.filter((q: { key: string }) => q.key !== 'siret') });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['form.siret']);
      // A category a rule's condition reads, gone: said once, for the rules page.
      const noRepair = await t
        .http()
        .put(`/api/programmes/${programme.id}/call`)
        .set(staff.headers)
        .set('Accept-Language', 'en')
        .send({ ...dto, categories: dto.categories.filter((c: { key: string }) => c.key !== 'repair') });
      expect(noRepair.status).toBe(400);
      expect(noRepair.body.errors).toEqual([{ field: 'rules', message: expect.stringMatching(/^Eligibility rule no\. 1 no longer fits the form/) }]);
    });
  });
});
