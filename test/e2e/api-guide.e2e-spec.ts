import { apiClient, type ApiClient } from '../client/index.js';
import type { components } from '../client/openapi.js';
import { COMPLETE_APPLICATION, createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * docs/api-guide.md, step by step, through the typed client generated from docs/openapi.json: from an
 * authority with only its first staff member to a published results report. Each step is the
 * request the guide shows; a step that stops working here must be fixed in the guide too.
 */
describe('driving a programme through the API (docs/api-guide.md)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staffPerson: TestPerson;
  let staff: ApiClient;
  let anonymous: ApiClient;
  const server = () => t.app.getHttpServer();
  const tokenMailedTo = (email: string) => linkIn(smtp.to(email).at(-1)!, '/sign-in/link/').split('/').pop()!;
  const must = <T>(r: { data?: T; error?: unknown; response: Response }, status: number): T => {
    if (r.response.status !== status) throw new Error(`${r.response.url}: ${r.response.status} ${JSON.stringify(r.error)}`);
    return r.data as T;
  };

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    city = await createTenant(t);
    // The authority as a platform admin creates it: its first staff member, with a token.
    staffPerson = await createPerson(t, city, 'staff');
    staff = apiClient(server(), city.host, staffPerson.token);
    anonymous = apiClient(server(), city.host);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('goes from an empty authority to published results', async () => {
    const reason = 'Moved by the API guide';
    const move = async (programmeId: string, to: components['schemas']['TransitionDto']['to']) =>
      must(await staff.POST('/api/programmes/{programmeId}/transitions', { params: { path: { programmeId } }, body: { to, reason } }), 201);

    // 1. Staff create a programme and its call, then open the call.
    const programme = must(
      await staff.POST('/api/programmes', {
        body: { slug: 'makers-2026', title: { fr: 'Makers 2026', en: 'Makers 2026' }, summary: { fr: 'Appel à projets', en: 'Call for projects' } },
      }),
      201,
    );
    const programmeId = programme.id;
    const path = { programmeId };
    must(
      await staff.PUT('/api/programmes/{programmeId}/call', {
        params: { path },
        body: {
          text: { fr: 'Appel à projets makers', en: 'Makers call' },
          categories: [{ key: 'repair', label: { fr: 'Réparation', en: 'Repair' } }],
          territory: [{ name: 'Roubaix', postcode: '59100' }],
          goalMinCents: 100_000,
          goalMaxCents: 1_000_000,
          deadline: '2026-05-31T23:59:59+02:00',
          onePerApplicant: true,
          allowEditAfterSubmit: true,
          receiptPrefix: 'MAK26',
          form: [
            { key: 'team_size', kind: 'number', label: { fr: "Taille de l'équipe", en: 'Team size' }, required: true, min: 1, max: 50 },
            { key: 'has_prototype', kind: 'yes_no', label: { fr: 'Avez-vous un prototype ?', en: 'Do you have a prototype?' }, required: true },
          ],
        },
      }),
      200,
    );
    await move(programmeId, 'call_open');
    expect(must(await anonymous.GET('/api/programmes/{programmeId}/call', { params: { path } }), 200)).toBeDefined();

    // 2. A newcomer applicant registers, signs in with the e-mailed link, applies and submits.
    const applicantEmail = 'ines.lefebvre@example.org';
    must(await anonymous.POST('/api/programmes/{programmeId}/applicants', { params: { path }, body: { name: 'Inès Lefebvre', email: applicantEmail } }), 202);
    await t.sendMail();
    const applicantToken = must(await anonymous.POST('/api/auth/sign-in-links/consume', { body: { token: tokenMailedTo(applicantEmail) } }), 201).token;
    const applicant = apiClient(server(), city.host, applicantToken);
    const draft = must(await applicant.POST('/api/programmes/{programmeId}/applications', { params: { path }, body: {} }), 201);
    const applicationId = draft.id;
    must(
      await applicant.PATCH('/api/applications/{id}', {
        params: { path: { id: applicationId } },
        body: { ...COMPLETE_APPLICATION, answers: { team_size: 3, has_prototype: true } },
      }),
      200,
    );
    must(await applicant.POST('/api/applications/{id}/submit', { params: { path: { id: applicationId } }, body: { consentAuthorityNews: false } }), 200);

    // 3. Screening: staff find the application eligible.
    await move(programmeId, 'screening');
    must(
      await staff.POST('/api/applications/{id}/decision', {
        params: { path: { id: applicationId } },
        body: { decision: 'eligible', reason: 'Meets every rule of the call' },
      }),
      200,
    );

    // 4. Jury: settings, an invited juror accepts and votes, staff confirm and announce the laureates.
    await move(programmeId, 'jury');
    must(
      await staff.PUT('/api/programmes/{programmeId}/jury/settings', { params: { path }, body: { method: 'favourites', maxFavourites: 1, laureates: 1 } }),
      200,
    );
    const jurorEmail = 'juror@partner.example';
    must(
      await staff.POST('/api/programmes/{programmeId}/jury/members', { params: { path }, body: { email: jurorEmail, displayName: 'Dominique Juror' } }),
      201,
    );
    await t.sendMail();
    const accepted = must(await anonymous.POST('/api/auth/invitations/accept', { body: { token: tokenMailedTo(jurorEmail) } }), 200);
    const juror = apiClient(server(), city.host, accepted.token);
    must(await staff.POST('/api/programmes/{programmeId}/jury/vote/open', { params: { path } }), 200);
    must(await juror.PUT('/api/programmes/{programmeId}/jury/me/favourites', { params: { path }, body: { applicationIds: [applicationId] } }), 200);
    must(await staff.POST('/api/programmes/{programmeId}/jury/vote/close', { params: { path } }), 200);
    const results = must(await staff.GET('/api/programmes/{programmeId}/jury/results', { params: { path } }), 200);
    must(
      await staff.POST('/api/programmes/{programmeId}/jury/laureates', {
        params: { path },
        body: { laureates: results.proposal.laureates, waitingList: results.proposal.waitingList },
      }),
      200,
    );
    must(await staff.POST('/api/programmes/{programmeId}/jury/announce', { params: { path } }), 200);

    // 5. Coaching: a plan, the laureate's schedule and hand-in.
    await move(programmeId, 'coaching');
    must(
      await staff.PUT('/api/programmes/{programmeId}/coaching/plan', {
        params: { path },
        body: {
          milestones: [
            { id: 'story', kind: 'deliverable', title: { fr: 'Récit de campagne', en: 'Campaign story' }, days: 10, evidence: 'text', required: true },
          ],
        },
      }),
      200,
    );
    must(await staff.POST('/api/programmes/{programmeId}/coaching/schedules', { params: { path } }), 200);
    const schedule = must(await applicant.GET('/api/programmes/{programmeId}/coaching/me', { params: { path } }), 200);
    const story = schedule.milestones.find((m) => m.key === 'story')!;
    must(
      await applicant.POST('/api/programmes/{programmeId}/coaching/me/milestones/{milestoneId}/submission', {
        params: { path: { programmeId, milestoneId: story.id } },
        body: { text: 'Notre atelier répare 300 vélos par an.' },
      }),
      200,
    );
    must(
      await staff.POST('/api/programmes/{programmeId}/coaching/readiness-override', {
        params: { path },
        body: { reason: 'Story handed in, reviewed in person' },
      }),
      200,
    );

    // 6. Communication: the laureate writes the campaign, staff approve it, the window is set.
    await move(programmeId, 'communication');
    const campaign = must(await applicant.GET('/api/programmes/{programmeId}/campaigns/mine', { params: { path } }), 200);
    const campaignId = campaign.id;
    must(
      await applicant.PATCH('/api/campaigns/{campaignId}', {
        params: { path: { campaignId } },
        body: {
          summary: { fr: 'Un atelier vélo solidaire' },
          story: { fr: 'Un atelier de réparation de vélos ouvert à tous, avec des pièces de réemploi.' },
          goalCents: 100_000,
        },
      }),
      200,
    );
    must(await applicant.POST('/api/campaigns/{campaignId}/submit', { params: { path: { campaignId } } }), 200);
    must(
      await staff.POST('/api/programmes/{programmeId}/campaigns/{campaignId}/review', {
        params: { path: { programmeId, campaignId } },
        body: { decision: 'approve' },
      }),
      200,
    );

    // 7. Campaign: a citizen contributes (Idempotency-Key), the payment operator confirms.
    await move(programmeId, 'campaign');
    const contribution = must(
      await anonymous.POST('/api/campaigns/{campaignId}/contributions', {
        params: { path: { campaignId }, header: { 'Idempotency-Key': 'guide-contribution-0001' } },
        body: { amountCents: 2_500, email: 'citizen@example.org', displayName: 'Camille' },
      }),
      201,
    );
    // Without a payment operator the contribution is a pledge the contributor confirms from an e-mail;
    // with one, the answer is `payment.kind: 'redirect'` and the operator's webhook confirms it.
    expect(contribution.payment).toMatchObject({ kind: 'confirm_by_email' });
    await t.sendMail();
    const confirmUrl = new URL(linkIn(smtp.to('citizen@example.org').at(-1)!, '/contributions/confirm'));
    must(await anonymous.POST('/api/contributions/confirm', { body: { token: confirmUrl.searchParams.get('token')! } }), 200);
    const shown = must(await anonymous.GET('/api/campaigns/{campaignId}/public', { params: { path: { campaignId } } }), 200);
    expect(shown).toMatchObject({ collectedCents: 2_500 });

    // 8. Settlement and results: the report is published.
    await move(programmeId, 'settlement');
    await move(programmeId, 'results');
    const report = must(await staff.POST('/api/programmes/{programmeId}/reports', { params: { path } }), 201);
    const versions = must(await staff.GET('/api/programmes/{programmeId}/reports', { params: { path } }), 200);
    expect(versions).toHaveLength(1);
    // The published results, as anyone reads them (the page and its open-data JSON).
    const published = await t.http().get(`/programmes/${programme.slug}/results.json`).set('Host', city.host);
    expect(published.status).toBe(200);
    expect(report).toBeDefined();
  });
});
