import { createAnnouncedProgramme, type TestLaureate } from '../factories/coaching.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

describe('sponsor partners: profiles, needs, rankings and the matching', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let laureates: TestLaureate[];
  const api = () => `/api/programmes/${programme.id}`;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-06-30T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    ({ programme, laureates } = await createAnnouncedProgramme(t, city, staff, 3, { prefix: 'mat' }));
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('proposes the optimal pairs with their reasons, follows locks and forbidden pairs, and notifies both sides on confirmation', async () => {
    const bad = await t.http().post(`${api()}/partners`).set(staff.headers).send({ name: 'X', capacity: -1, matchFundingCents: 'lots' });
    expect(bad.status).toBe(400);
    const uni = (
      await t
        .http()
        .post(`${api()}/partners`)
        .set(staff.headers)
        .send({
          name: 'Université',
          description: { en: 'Labs and students' },
          expertise: ['Prototyping', 'design'],
          themes: ['repair'],
          capacity: 1,
          matchFundingCents: 500_000_00,
        })
        .expect(201)
    ).body;
    expect(uni.expertise).toEqual(['prototyping', 'design']);
    expect(uni.matchFundingCents).toBe(50_000_000);
    const bank = (
      await t
        .http()
        .post(`${api()}/partners`)
        .set(staff.headers)
        .send({ name: 'Banque', expertise: ['finance', 'marketing'], themes: ['reuse'], capacity: 2 })
        .expect(201)
    ).body;
    const dup = await t.http().post(`${api()}/partners`).set(staff.headers).send({ name: 'Banque' });
    expect(dup.status).toBe(400);

    await t.http().post(`${api()}/partners/${uni.id}/contacts`).set(staff.headers).send({ email: 'paul@uni.example', displayName: 'Paul' }).expect(201);
    await t
      .http()
      .post(`${api()}/partners/${bank.id}/contacts`)
      .set(staff.headers)
      .send({ email: 'anne@bank.example', displayName: 'Anne', locale: 'en' })
      .expect(201);
    await t.sendMail();
    expect(smtp.to('paul@uni.example')[0].text).toContain('/sign-in/link/');
    const paul = await createPerson(t, city, 'partner', { programmeId: programme.id, email: 'paul@uni.example' });

    // Laureates state needs and rank partners; the university ranks the third laureate first.
    const [l1, l2, l3] = laureates;
    const dir = await t.http().get(`${api()}/partners/me/needs`).set(l1.headers).expect(200);
    expect(dir.body.partners.map((p: { name: string }) => p.name)).toEqual(['Banque', 'Université']);
    await t
      .http()
      .put(`${api()}/partners/me/needs`)
      .set(l1.headers)
      .send({ needs: ['Prototyping', 'finance'], preferences: [uni.id] })
      .expect(200);
    await t
      .http()
      .put(`${api()}/partners/me/needs`)
      .set(l2.headers)
      .send({ needs: ['marketing'] })
      .expect(200);
    await t
      .http()
      .put(`${api()}/partners/me/needs`)
      .set(l3.headers)
      .send({ needs: ['design', 'prototyping'] })
      .expect(200);
    const unknown = await t
      .http()
      .put(`${api()}/partners/me/needs`)
      .set(l3.headers)
      .send({ needs: [], preferences: [programme.id] });
    expect(unknown.body.code).toBe('PARTNER_UNKNOWN_IDS');
    await t
      .http()
      .put(`${api()}/partner/me/preferences`)
      .set(paul.headers)
      .send({ applicationIds: [l3.applicationId] })
      .expect(200);

    const run = await t.http().post(`${api()}/matching/run`).set(staff.headers).expect(200);
    const pairs = run.body.result.pairs as Array<{
      laureateId: string;
      partnerId: string;
      terms: Array<{ name: string; contribution: number; detail?: { shared?: string[] } }>;
    }>;
    expect(pairs).toHaveLength(3);
    const pairOf = (l: TestLaureate) => pairs.find((p) => p.laureateId === l.applicationId)!;
    expect(pairOf(l3).partnerId).toBe(uni.id);
    expect(pairOf(l1).partnerId).toBe(bank.id);
    expect(pairOf(l3).terms.find((x) => x.name === 'need_overlap')!.detail!.shared).toEqual(['design', 'prototyping']);
    expect(pairOf(l3).terms.map((x) => x.name)).toEqual(['need_overlap', 'theme_match', 'laureate_preference', 'partner_preference']);

    // Staff forbid the bank for laureate 1 and lock laureate 1 with the university, then re-run.
    await t.http().post(`${api()}/matching/pairs`).set(staff.headers).send({ laureateId: l1.applicationId, partnerId: uni.id, rule: 'lock' }).expect(200);
    const stale = await t.http().post(`${api()}/matching/confirm`).set(staff.headers);
    expect(stale.body.code).toBe('MATCHING_STALE');
    await t
      .http()
      .put(`${api()}/matching/settings`)
      .set(staff.headers)
      .send({ weights: { needOverlap: 5, themeMatch: 0, laureatePreference: 1, partnerPreference: 1 } })
      .expect(200);
    const badWeights = await t.http().put(`${api()}/matching/settings`).set(staff.headers).send({ weights: 3 });
    expect(badWeights.status).toBe(400);
    const rerun = await t.http().post(`${api()}/matching/run`).set(staff.headers).expect(200);
    const after = rerun.body.result.pairs as Array<{ laureateId: string; partnerId: string; locked: boolean }>;
    expect(after.find((p) => p.laureateId === l1.applicationId)).toMatchObject({ partnerId: uni.id, locked: true });
    expect(after.find((p) => p.laureateId === l3.applicationId)!.partnerId).toBe(bank.id);
    expect(rerun.body.result.loads.find((x: { partnerId: string }) => x.partnerId === uni.id)).toMatchObject({ capacity: 1, load: 1, locked: 1 });

    const confirmed = await t.http().post(`${api()}/matching/confirm`).set(staff.headers).expect(200);
    expect(confirmed.body.status).toBe('confirmed');
    const again = await t.http().post(`${api()}/matching/run`).set(staff.headers);
    expect(again.body.code).toBe('MATCHING_ALREADY_CONFIRMED');
    await t.sendMail();
    const toL1 = smtp.to(l1.email);
    expect(toL1.at(-1)!.subject).toContain('votre partenaire parrain');
    expect(toL1.at(-1)!.text).toContain('Université');
    const toAnne = smtp.to('anne@bank.example');
    expect(toAnne.at(-1)!.subject).toContain('the laureates Banque sponsors');
    expect(toAnne.at(-1)!.text).toContain(l3.title);

    const page = await t.http().get(`${api()}/partner/me`).set(paul.headers).expect(200);
    expect(page.body.partner.name).toBe('Université');
    expect(page.body.laureates).toHaveLength(1);
    expect(page.body.laureates[0]).toMatchObject({ applicationId: l1.applicationId, title: l1.title });
    expect(page.body.laureates[0].progress).toEqual({ validated: 0, total: 0, overdue: 0, ready: false });
    const mine = await t.http().get(`${api()}/partners/me/needs`).set(l1.headers).expect(200);
    expect(mine.body.sponsors).toEqual([{ partnerId: uni.id, name: 'Université' }]);

    // Another laureate's or tenant's view.
    await t.http().get(`${api()}/partner/me`).set(l1.headers).expect(403);
    const elsewhere = await createTenant(t);
    const foreign = await createPerson(t, elsewhere, 'staff');
    await t.http().get(`${api()}/matching`).set(foreign.headers).expect(404);
  });
});
