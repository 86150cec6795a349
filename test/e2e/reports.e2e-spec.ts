import { AuthService } from '../../src/auth/auth.service.js';
import { insertCampaignWithMoney } from '../../src/database/demo-results-seed.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { ProgrammesRepository } from '../../src/programmes/programmes.repository.js';
import { computeReport } from '../../src/reports/domain/report.js';
import { ReportsRepository } from '../../src/reports/reports.repository.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { createResultsProgramme, gift, type ResultsScenario } from '../factories/reports.js';
import { openDataErrors } from '../setup/open-data-schema.js';
import { openPage } from '../setup/pages.js';
import { readPdf, structNodes } from '../setup/pdf.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

function csvRows(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return text
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
}

describe('results report: publication, versions and downloads', () => {
  let t: TestApp;
  let city: TestTenant;
  let other: TestTenant;
  let staff: TestPerson;
  let s: ResultsScenario;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-25T08:00:00Z');
    city = await createTenant(t);
    other = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent@reports.test' });
    s = await createResultsProgramme(t, city, staff, {
      slug: 'makers-results',
      extraApplications: 3,
      campaigns: [
        {
          title: 'Atelier vélo <solidaire>',
          commune: 'Roubaix',
          category: 'repair',
          goalCents: 100_000,
          status: 'funded',
          pageViews: 1_200,
          contributions: [
            gift(60_000, 'anon@example.org', 0, { anonymous: true, matchedCents: 2_500 }),
            gift(30_000, 'ANON@example.org ', 2, { anonymous: true }),
            gift(20_000, 'bob@example.org', 3),
            gift(9_900, 'carol@example.org', 4, { status: 'pending', confirmedAt: null }),
            gift(7_000, 'dan@example.org', 4, { status: 'failed', confirmedAt: null }),
          ],
        },
        {
          title: 'Ressourcerie',
          commune: 'Lille',
          category: 'reuse',
          goalCents: 200_000,
          status: 'not_funded',
          pageViews: 800,
          contributions: [gift(15_000, 'bob@example.org', 1, { status: 'refunded' }), gift(5_000, 'erin@example.org', 1, { status: 'refund_due' })],
        },
        { title: 'Compost de balcon', commune: 'Roubaix', category: 'reuse', goalCents: 10_000, status: 'funded', pageViews: 300, grantCents: 10_000 },
      ],
    });
  });
  afterAll(() => t.close());

  it('previews the figures for staff and publishes immutable versions', async () => {
    const api = `/api/programmes/${s.programme.id}`;
    const preview = (await t.http().get(`${api}/report`).set(staff.headers).expect(200)).body;
    expect(preview.applications).toEqual({ received: 6, eligible: 5, laureates: 3 });
    expect(preview.campaigns).toMatchObject({ total: 3, funded: 2, successRatePercent: 66.7 });
    expect(preview.amounts).toEqual({ citizensCents: 110_000, matchFundingCents: 12_500, totalCents: 122_500 });
    // Kept money: anon (twice) and bob on the funded campaign; everyone: bob and erin too, refunded by the one that missed.
    expect(preview.contributions).toEqual({ count: 3, uniqueContributors: 2, everyone: { count: 5, uniqueContributors: 3, citizensCents: 130_000 } });
    expect(preview.refunds).toEqual({ citizensCents: 20_000, contributions: 2 });
    // The partner's budgets (ratio and grant), and what it gave: 2,500 matched on one campaign, a 10,000 grant on another.
    expect(preview.partners).toEqual([{ name: 'Banque coopérative', budgetCents: 20_000_000, matchedCents: 12_500, campaigns: 2 }]);
    const missed = preview.campaignRows.find((r: { title: string }) => r.title === 'Ressourcerie');
    expect(missed).toMatchObject({ citizensCents: 0, percentOfGoal: 0, contributors: 0, outcome: 'not_funded' });
    expect(missed.beforeRefunds).toEqual({ citizensCents: 20_000, percentOfGoal: 10, contributions: 2, contributors: 2 });
    expect(preview.pageViews).toBe(2_300);
    expect(preview.daily).toHaveLength(7);
    // The database's sums give exactly the figures of the pure function summing every row.
    const repo = t.app.get(ReportsRepository);
    const programme = await t.app.get(ProgrammesRepository).found(city.tenant.id, s.programme.id);
    const summed = await repo.input(repo.manager, city.tenant.id, programme, city.tenant.timeZone, t.clock.now());
    const rows: Array<Record<string, string>> = await t.ds.query(
      `SELECT campaign_id, amount_cents, email_key, status, confirmed_at FROM contribution WHERE programme_id = $1`,
      [s.programme.id],
    );
    const fromRows = computeReport({
      ...summed,
      contributionSummary: undefined,
      contributions: rows.map((r) => ({
        campaignId: r.campaign_id,
        amountCents: Number(r.amount_cents),
        emailKey: r.email_key,
        status: r.status as 'confirmed',
        confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
      })),
    });
    expect(computeReport(summed)).toEqual(fromRows);

    // Nothing published yet: the public page and downloads are not found.
    await t.http().get('/programmes/makers-results/results').set('Host', city.host).expect(404);
    await t.http().get('/programmes/makers-results/results.json').set('Host', city.host).expect(404);

    const v1 = await t.http().post(`${api}/reports`).set(staff.headers).expect(201);
    expect(v1.body).toMatchObject({ version: 1, publishedBy: staff.userId, publishedAt: '2026-09-25T08:00:00.000Z' });
    expect(v1.body.figures.amounts.totalCents).toBe(122_500);

    // The data changes after publication: a late confirmed contribution on the first campaign.
    t.clock.set('2026-09-26T08:00:00Z');
    await t.app.get(TransactionRunner).run(async (em) => {
      await em.query(
        `INSERT INTO contribution (tenant_id, programme_id, campaign_id, amount_cents, email, email_key, status, provider, idempotency_key, request_hash, expires_at, confirmed_at)
        VALUES ($1, $2, $3, 40000, 'zoe@example.org', 'zoe@example.org', 'confirmed', 'pledge', 'late-1', 'x', now(), '2026-09-05T10:00:00Z')`,
        [city.tenant.id, s.programme.id, s.campaigns[0].id],
      );
    });
    const v2 = await t.http().post(`${api}/reports`).set(staff.headers).expect(201);
    expect(v2.body.version).toBe(2);
    expect(v2.body.figures.amounts.totalCents).toBe(162_500);

    const one = (await t.http().get(`${api}/reports/1`).set(staff.headers).expect(200)).body;
    expect(one.figures).toEqual(v1.body.figures);
    // Not even a direct write can alter or remove a published version.
    await expect(t.ds.query(`UPDATE report_snapshot SET figures = '{}' WHERE programme_id = $1 AND version = 1`, [s.programme.id])).rejects.toThrow(
      /immutable/,
    );
    await expect(t.ds.query(`DELETE FROM report_snapshot WHERE programme_id = $1`, [s.programme.id])).rejects.toThrow(/immutable/);
    const list = (await t.http().get(`${api}/reports`).set(staff.headers).expect(200)).body;
    expect(list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    await t.http().get(`${api}/reports/9`).set(staff.headers).expect(404);
    await t.http().get(`${api}/reports/abc`).set(staff.headers).expect(404);

    // Publications at the same time queue on the programme row: distinct versions, none lost.
    const both = await Promise.all([t.http().post(`${api}/reports`).set(staff.headers), t.http().post(`${api}/reports`).set(staff.headers)]);
    expect(both.map((r) => r.status)).toEqual([201, 201]);
    expect(both.map((r) => r.body.version).sort()).toEqual([3, 4]);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'report.published' AND subject_id = $1`, [s.programme.id]);
    expect(n).toBe(4);
  });

  it('serves the published versions to everyone: page, CSV, JSON and PDF, the latest or the one asked for', async () => {
    const base = '/programmes/makers-results/results';
    const fr = await t.http().get(`${base}?version=1&lang=fr`).set('Host', city.host).expect(200);
    expect(fr.text).toContain('Résultats de Makers : économie circulaire');
    expect(fr.text).toContain('Vous consultez une version antérieure');
    expect(fr.text).toContain('Atelier vélo &lt;solidaire&gt;');
    expect(fr.text).not.toContain('<solidaire>');
    expect(fr.text).toMatch(/<svg [^>]*role="img"/);
    expect(fr.text).toContain('1\u202f225\u00a0€'); // total of version 1
    // A campaign that missed its goal shows what it reached before the refunds, beside the kept-money totals.
    expect(fr.text).toContain('Les campagnes qui ont manqué leur objectif');
    expect(fr.text).toMatch(
      /Ressourcerie<\/th><td[^>]*>2\u202f000\u00a0€<\/td><td[^>]*>200\u00a0€<\/td>\s*<td[^>]*>10\u00a0%<\/td><td[^>]*>2<\/td><td[^>]*>200\u00a0€<\/td>/,
    );
    expect(fr.text).toMatch(/<dt>Toutes les personnes qui ont contribué<\/dt><dd>[^<]*une fois par adresse e-mail/);
    expect(fr.text).toContain('sep&#x3D;semicolon');
    expect(fr.text).toMatch(/Banque coopérative<\/th><td[^>]*>200\u202f000\u00a0€<\/td><td[^>]*>125\u00a0€<\/td><td[^>]*>2<\/td>/);
    const partnersCsv = csvRows((await t.http().get(`${base}.csv?version=1&table=partners`).set('Host', city.host).expect(200)).text);
    expect(partnersCsv).toEqual([
      ['report_version', 'published_at', 'partner', 'budget_cents', 'budget_eur', 'matched_cents', 'matched_eur', 'campaigns'],
      ['1', '2026-09-25T08:00:00.000Z', 'Banque coopérative', '20000000', '200000.00', '12500', '125.00', '2'],
    ]);
    expect(fr.text).toContain('href="/open-data/report-v2.schema.json"');
    const en = await t.http().get(`${base}?lang=en`).set('Host', city.host).expect(200);
    expect(en.text).toContain('Results of Makers: circular economy');
    expect(en.text).toContain('€1,625');
    expect(en.text).not.toContain('earlier version');

    const json1 = JSON.parse(
      (
        await t
          .http()
          .get(`${base}.json?version=1`)
          .set('Host', city.host)
          .expect(200)
          .expect('Content-Type', /application\/json/)
      ).text,
    );
    expect(json1).toMatchObject({ schemaVersion: 2, version: 1, publishedAt: '2026-09-25T08:00:00.000Z' });
    expect(openDataErrors(json1)).toEqual([]);
    expect(json1.amounts).toEqual({
      citizensCents: 110_000,
      citizensEur: 1100,
      matchFundingCents: 12_500,
      matchFundingEur: 125,
      totalCents: 122_500,
      totalEur: 1225,
    });
    expect(json1.contributions).toEqual({
      count: 3,
      uniqueContributors: 2,
      everyone: { count: 5, uniqueContributors: 3, citizensCents: 130_000, citizensEur: 1300 },
    });
    expect(json1.refunds).toEqual({ citizensCents: 20_000, citizensEur: 200, contributions: 2 });
    const latest = JSON.parse((await t.http().get(`${base}.json`).set('Host', city.host).expect(200)).text);
    expect(latest.version).toBe(4);
    expect(latest.amounts.totalCents).toBe(162_500);

    const csv = await t
      .http()
      .get(`${base}.csv?version=1`)
      .set('Host', city.host)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    expect(csv.headers['content-disposition']).toContain('makers-results-results-v1-campaigns.csv');
    // A file shared caches keep for a year carries no visitor's cookie (the page itself does: it has forms).
    expect(csv.headers['set-cookie']).toBeUndefined();
    expect((await t.http().get(`${base}.json?version=1`).set('Host', city.host)).headers['set-cookie']).toBeUndefined();
    expect((await t.http().get('/open-data/report-v2.schema.json').set('Host', city.host)).headers['set-cookie']).toBeUndefined();
    const rows = csvRows(csv.text);
    expect(rows[0].slice(0, 6)).toEqual(['report_version', 'published_at', 'campaign_slug', 'title', 'commune', 'category']);
    const velo = rows.find((r) => r[3] === 'Atelier vélo <solidaire>')!;
    const col = (name: string) => velo[rows[0].indexOf(name)];
    expect([col('citizens_cents'), col('citizens_eur'), col('matched_eur'), col('total_eur'), col('contributors'), col('outcome')]).toEqual([
      '110000',
      '1100.00',
      '25.00',
      '1125.00',
      '2',
      'funded',
    ]);
    const summary = csvRows((await t.http().get(`${base}.csv?version=1&table=summary`).set('Host', city.host).expect(200)).text);
    expect(summary.find((r) => r[2] === 'unique_contributors')![3]).toBe('2');
    expect(summary.find((r) => r[2] === 'unique_contributors_everyone')![3]).toBe('3');
    expect(summary.find((r) => r[2] === 'refunded_citizens_eur')![3]).toBe('200.00');
    const missed = rows.find((r) => r[3] === 'Ressourcerie')!;
    const before = (name: string) => missed[rows[0].indexOf(name)];
    expect(rows[0].slice(-5)).toEqual([
      'before_refunds_citizens_cents',
      'before_refunds_citizens_eur',
      'before_refunds_percent_of_goal',
      'before_refunds_contributions',
      'before_refunds_contributors',
    ]);
    expect([
      before('citizens_cents'),
      before('before_refunds_citizens_eur'),
      before('before_refunds_percent_of_goal'),
      before('before_refunds_contributors'),
    ]).toEqual(['0', '200.00', '10', '2']);
    // The spreadsheet dialect: `;` between cells, decimals with a comma, the same columns.
    const semi = await t.http().get(`${base}.csv?version=1&sep=semicolon`).set('Host', city.host).expect(200);
    expect(semi.headers['content-disposition']).toContain('makers-results-results-v1-campaigns-semicolon.csv');
    const semiRows = semi.text
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(semiRows[0]).toEqual(rows[0]);
    const veloSemi = semiRows.find((r) => r[3] === 'Atelier vélo <solidaire>')!;
    expect(veloSemi[semiRows[0].indexOf('citizens_eur')]).toBe('1100,00');
    const semiSummary = (await t.http().get(`${base}.csv?version=1&table=summary&sep=semicolon`).set('Host', city.host).expect(200)).text;
    expect(semiSummary).toContain(';success_rate_percent;66,7\r\n');
    await t.http().get(`${base}.csv?sep=tab`).set('Host', city.host).expect(404);
    await t.http().get(`${base}.csv?table=nope`).set('Host', city.host).expect(404);

    for (const [lang, words] of [
      [
        'fr',
        [
          'Résultats de Makers',
          'Contributeurs des campagnes financées',
          'Toutes les personnes qui ont contribué',
          '1 225 €',
          'Atelier vélo <solidaire>',
          'Financée',
        ],
      ],
      [
        'en',
        [
          'Results of Makers',
          'Contributors to funded campaigns',
          'Everyone who contributed',
          'Refunded to contributors',
          '€1,225',
          'Not funded',
          'Reached before refunds',
        ],
      ],
    ] as const) {
      const pdf = await t
        .http()
        .get(`${base}.pdf?version=1&lang=${lang}`)
        .set('Host', city.host)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200)
        .expect('Content-Type', 'application/pdf');
      const body = pdf.body as Buffer;
      expect(body.subarray(0, 5).toString()).toBe('%PDF-');
      // Read as an assistive technology does: tagged, titled, in its language, fonts embedded.
      const read = await readPdf(body);
      expect(read).toMatchObject({ marked: true, displayDocTitle: true, fontsEmbedded: true, language: lang === 'fr' ? 'fr-FR' : 'en-GB' });
      expect(read.title).toBe(lang === 'fr' ? 'Résultats de Makers : économie circulaire' : 'Results of Makers: circular economy');
      const text = read.text.join('\n');
      for (const w of words) expect(text).toContain(w);
      expect(text).toContain(city.tenant.name);
      expect(text).toContain(lang === 'fr' ? `Page 1 sur ${read.pages}` : `Page ${read.pages} of ${read.pages}`);
      // The structure tree: one title, sections, tables with header cells, charts with their text.
      const nodes = structNodes(read.trees);
      const roles = nodes.map((n) => n.role);
      expect(roles.filter((r) => r === 'H1')).toHaveLength(1);
      expect(roles.indexOf('H1')).toBeLessThan(roles.indexOf('H2'));
      expect(roles.filter((r) => r === 'Table').length).toBeGreaterThanOrEqual(5); // key figures, campaigns, near misses, communes, categories
      const tables = nodes.filter((n) => n.role === 'Table');
      for (const table of tables) {
        const rows = table.children.filter((c): c is typeof table => 'role' in c && c.role === 'TR');
        expect(rows.length).toBeGreaterThan(1);
        // The first row is the column headers, and every row starts with its own header cell.
        expect(rows[0].children.every((c) => 'role' in c && c.role === 'TH')).toBe(true);
        for (const row of rows) expect((row.children[0] as { role: string }).role).toBe('TH');
      }
      const figures = nodes.filter((n) => n.role === 'Figure');
      expect(figures).toHaveLength(2);
      expect(figures[0].alt).toContain(lang === 'fr' ? 'Ressourcerie : 0\u00a0% (10\u00a0% avant remboursement)' : 'Ressourcerie : 0% (10% before refunds)');
      expect(figures[1].alt).toMatch(lang === 'fr' ? /collectés auprès des citoyens/ : /collected from citizens/);
      // The definitions close the report, each term a heading of its own.
      expect(roles.filter((r) => r === 'H3').length).toBeGreaterThanOrEqual(8);
    }
  });

  it('answers 404 for unknown versions, another authority and unpublished programmes', async () => {
    const base = '/programmes/makers-results/results';
    for (const q of ['?version=99', '?version=0', '?version=abc', '?version=1&version=2']) {
      await t.http().get(`${base}${q}`).set('Host', city.host).expect(404);
      await t.http().get(`${base}.json${q}`).set('Host', city.host).expect(404);
    }
    for (const ext of ['', '.csv', '.json', '.pdf']) await t.http().get(`${base}${ext}`).set('Host', other.host).expect(404);
    const otherStaff = await createPerson(t, other, 'staff');
    await t.http().post(`/api/programmes/${s.programme.id}/reports`).set(otherStaff.headers).expect(404);
    await t.http().get(`/api/programmes/${s.programme.id}/report`).set(otherStaff.headers).expect(404);
    const quiet = await createProgramme(t, city, staff, { slug: 'quiet', phase: 'call_open' });
    await t.http().get('/programmes/quiet/results').set('Host', city.host).expect(404);
    await t.http().get(`/api/programmes/${quiet.id}/report`).set(staff.headers).expect(200);
  });

  it('lets only staff publish', async () => {
    const api = `/api/programmes/${s.programme.id}`;
    await t.http().post(`${api}/reports`).set('Host', city.host).expect(401);
    const laureate = await createPerson(t, city, 'applicant', { programmeId: s.programme.id });
    const juror = await createPerson(t, city, 'juror', { programmeId: s.programme.id });
    for (const p of [laureate, juror]) {
      await t.http().post(`${api}/reports`).set(p.headers).expect(403);
      await t.http().get(`${api}/report`).set(p.headers).expect(403);
    }
  });

  it('shows staff the preview, publishes from the page and shows the dashboard with a filterable log', async () => {
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: staff.email, password: 'a long enough password' })
      .expect(303);
    const page = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}/report?lang=en`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Live preview');
    expect(page.html).toContain('Read version 4');
    // Publishing goes through a confirmation page that says what becomes public; it posts to the usual route.
    expect(page.html).toContain(`href="/staff/programmes/${s.programme.id}/report/publish/confirm"`);
    const step = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}/report/publish/confirm?lang=en`);
    expect(step.html).toContain('<h1>Publish a new version of the report?</h1>');
    expect(step.html).toContain('Version 5 will be public: anyone can read and download it.');
    expect(step.html).toContain('The 4 versions already published stay available.');
    expect(step.html).toContain(`<form method="post" action="/staff/programmes/${s.programme.id}/report"`);
    const posted = await browser.post(`/staff/programmes/${s.programme.id}/report`).set('Host', city.host).type('form').send({ _csrf: step.csrf }).expect(303);
    expect(posted.headers.location).toBe(`/staff/programmes/${s.programme.id}/report?published=5`);
    await browser.post(`/staff/programmes/${s.programme.id}/report`).set('Host', city.host).type('form').send({}).expect(403);

    // A campaign page still in draft while the programme is past communication is late.
    await t.app.get(TransactionRunner).run(async (em) => {
      const [a] = await em.query(`SELECT id, applicant_user_id FROM application WHERE programme_id = $1 AND title = 'Candidature 1'`, [s.programme.id]);
      await em.query(
        `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', 9, $4, now())`,
        [city.tenant.id, s.programme.id, a.id, staff.userId],
      );
      await insertCampaignWithMoney(em, {
        tenantId: city.tenant.id,
        programmeId: s.programme.id,
        applicationId: a.id,
        laureateUserId: a.applicant_user_id,
        slug: 'late',
        title: 'Late page',
        goalCents: 100_000,
        status: 'draft',
        pageViews: 0,
        contributions: [],
      });
    });
    const dash = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}/dashboard?lang=en`);
    expect(dash.status).toBe(200);
    expect(dash.html).toContain('Campaign pages not approved');
    expect(dash.html).toMatch(/<a href="[^"]+\/campaigns"><span lang="fr">Late page<\/span><\/a> — draft/); // written in French: marked so on the English page
    expect(dash.html).toMatch(/Applications received<\/span><br><strong>6</);
    expect(dash.html).toMatch(/Funded<\/span><br><strong>2</);
    // Actions read as what happened, in the page's language: one sentence naming who and what (a link), raw data behind a disclosure.
    expect(dash.html).toContain('<span class="badge">Results report published</span>');
    expect(dash.html).toMatch(new RegExp(`published version 5 of the results report of the programme “<a href="/staff/programmes/${s.programme.id}"[^>]*>`));
    expect(dash.html).not.toContain('<span class="badge">report.published</span>');
    expect(dash.html.replace(/<details[\s\S]*?<\/details>/g, '').replace(/<[^>]+>/g, '')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // The funnel as a drawing with a text equivalent, and the late items link to where staff act.
    expect(dash.html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="dashboard-funnel-title/);
    expect(dash.html).toContain('<title id="dashboard-funnel-title">Programme funnel</title>');
    // After the window, the collection day by day: a cumulative line and its table.
    expect(dash.html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="dashboard-daily-title dashboard-daily-desc"/);
    expect(dash.html).toMatch(/<caption class="visually-hidden">Collection day by day<\/caption>[\s\S]*?<tbody><tr><th scope="row">/);
    const filtered = await openPage(
      browser,
      city.host,
      `/staff/programmes/${s.programme.id}/dashboard?lang=en&action=report.published&actor=${staff.userId}&from=2026-09-25&to=2026-09-25`,
    );
    expect((filtered.html.match(/<span class="badge">Results report published<\/span>/g) ?? []).length).toBe(1);
    expect(filtered.html).toContain('1 entry');
    expect(filtered.html).not.toContain('<span class="badge">Programme created</span>');
    const none = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}/dashboard?action=report.published&actor=system`);
    expect(none.html).not.toContain('<span class="badge">Rapport de résultats publié</span>');
    expect(none.html).toMatch(/Aucune entrée|No entry/);
    const bad = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}/dashboard?from=yesterday&actor=x&action=${'a'.repeat(300)}`);
    expect(bad.status).toBe(200);
    const programmePage = await openPage(browser, city.host, `/staff/programmes/${s.programme.id}?lang=en`);
    expect(programmePage.html).toContain(`/staff/programmes/${s.programme.id}/dashboard`);
    expect(programmePage.html).toContain(`/staff/programmes/${s.programme.id}/report`);
  });

  it('keeps every published version readable: a version of schemaVersion 1 reads as it was published, each JSON follows its own schema', async () => {
    const base = '/programmes/makers-results/results';
    // A version published before schemaVersion 2 (figures are stored as published and never change).
    const [latest] = await t.ds.query(`SELECT figures FROM report_snapshot WHERE programme_id = $1 ORDER BY version DESC LIMIT 1`, [s.programme.id]);
    const old = structuredClone(latest.figures);
    old.schemaVersion = 1;
    delete old.refunds;
    delete old.partners;
    delete old.contributions.everyone;
    for (const r of old.campaignRows) delete r.beforeRefunds;
    const [{ version }] = await t.ds.query(
      `INSERT INTO report_snapshot (tenant_id, programme_id, version, figures, published_at, published_by)
       SELECT $1, $2, max(version) + 1, $3::jsonb, now(), $4 FROM report_snapshot WHERE programme_id = $2 RETURNING version`,
      [city.tenant.id, s.programme.id, JSON.stringify(old), staff.userId],
    );
    for (let v = 1; v <= version; v++) {
      const json = JSON.parse((await t.http().get(`${base}.json?version=${v}`).set('Host', city.host).expect(200)).text);
      expect(json.schemaVersion).toBe(v === version ? 1 : 2);
      // Against the schema the site serves for that schemaVersion (the same file as docs/open-data/).
      const schema = await t.http().get(`/open-data/report-v${json.schemaVersion}.schema.json`).set('Host', city.host).expect(200);
      expect(schema.headers['content-type']).toContain('application/schema+json');
      expect(schema.headers['access-control-allow-origin']).toBe('*');
      expect(openDataErrors(json, schema.text)).toEqual([]);
    }
    // The schema is strict: a key it does not know, or a missing one, is an error.
    const v2 = JSON.parse((await t.http().get(`${base}.json?version=1`).set('Host', city.host).expect(200)).text);
    expect(openDataErrors({ ...v2, extra: 1 })).not.toEqual([]);
    const { refunds: _gone, ...withoutRefunds } = v2;
    expect(openDataErrors(withoutRefunds)).not.toEqual([]);
    await t.http().get('/open-data/report-v9.schema.json').set('Host', city.host).expect(404);
    await t.http().get('/open-data/..%2Fpackage.json').set('Host', city.host).expect(404);

    // The old version's CSV has the columns of its time, its page no near-miss section (it has no such figure).
    const csv = csvRows((await t.http().get(`${base}.csv?version=${version}`).set('Host', city.host).expect(200)).text);
    expect(csv[0]).not.toContain('before_refunds_citizens_cents');
    expect(csv[0].at(-1)).toBe('outcome');
    const page = await t.http().get(`${base}?version=${version}&lang=en`).set('Host', city.host).expect(200);
    expect(page.text).toContain('Contributors to funded campaigns');
    expect(page.text).not.toContain('Campaigns that missed their goal');
    expect(page.text).not.toContain('Everyone who contributed');
    expect(page.text).toContain('href="/open-data/report-v1.schema.json"');
  });
});
