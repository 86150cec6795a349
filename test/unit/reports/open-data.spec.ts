import { CSV_COLUMNS, CSV_TABLES, euros, reportCsv, reportJson, withEuros } from '../../../src/reports/domain/open-data.js';
import { computeReport, upgradeFigures, type ReportFigures, type ReportInput } from '../../../src/reports/domain/report.js';
import { pdfText } from '../../../src/reports/report.pdf.js';
import { openDataErrors } from '../../setup/open-data-schema.js';

const input: ReportInput = {
  programme: { id: 'p1', slug: 'makers', title: { fr: 'Makers', en: 'Makers' }, phase: 'results' },
  categories: [{ key: 'repair', label: { fr: 'Réparation', en: 'Repair' } }],
  applications: [{ id: 'a1', submitted: true, eligible: true }],
  laureateIds: ['a1'],
  campaigns: [
    {
      id: 'c1',
      applicationId: 'a1',
      slug: 'velo',
      title: '=HYPERLINK("http://evil")',
      commune: 'Roubaix',
      category: 'repair',
      goalCents: 100_000,
      status: 'funded',
      pageViews: 42,
    },
  ],
  contributions: [{ campaignId: 'c1', amountCents: 123_456, emailKey: 'a@x', status: 'confirmed', confirmedAt: new Date('2026-09-02T10:00:00Z') }],
  allocations: [{ campaignId: 'c1', amountCents: 5, kind: 'grant', status: 'confirmed' }],
  window: { opensAt: new Date('2026-08-31T22:00:00Z'), closesAt: new Date('2026-09-03T22:00:00Z') },
  matchCountsTowardGoal: true,
  timeZone: 'Europe/Paris',
  generatedAt: new Date('2026-10-01T08:00:00Z'),
};
const figures = computeReport(input);
const meta = { version: 3, publishedAt: '2026-10-01T08:00:00.000Z', tenant: { slug: 'lumiere', name: 'Métropole' } };

function parse(csv: string): string[][] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  return csv
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
}

describe('open-data downloads', () => {
  it('writes euros as plain decimals', () => {
    expect(euros(0)).toBe('0.00');
    expect(euros(5)).toBe('0.05');
    expect(euros(123_456)).toBe('1234.56');
    expect(euros(550_000_000)).toBe('5500000.00');
  });

  it('gives each CSV table its stable header, the version and publication time on every line', () => {
    for (const table of CSV_TABLES) {
      const [header, ...rows] = parse(reportCsv(meta, figures, table));
      const added =
        table === 'campaigns'
          ? [
              'before_refunds_citizens_cents',
              'before_refunds_citizens_eur',
              'before_refunds_percent_of_goal',
              'before_refunds_contributions',
              'before_refunds_contributors',
            ]
          : [];
      expect(header).toEqual(['report_version', 'published_at', ...CSV_COLUMNS[table], ...added]);
      for (const r of rows) expect(r.slice(0, 2)).toEqual(['3', '2026-10-01T08:00:00.000Z']);
    }
  });

  it('writes the campaigns table with amounts in cents and euros, and neutralises formulas', () => {
    const csv = reportCsv(meta, figures, 'campaigns');
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[1]).toBe(
      `3,2026-10-01T08:00:00.000Z,velo,"'=HYPERLINK(""http://evil"")",Roubaix,repair,100000,1000.00,123456,1234.56,5,0.05,123461,1234.61,123,1,1,42,funded,123456,1234.56,123,1,1`,
    );
  });

  it('writes the summary as indicator/value lines and the daily table with ISO dates', () => {
    const summary = Object.fromEntries(
      parse(reportCsv(meta, figures, 'summary'))
        .slice(1)
        .map((r) => [r[2], r[3]]),
    );
    expect(summary).toMatchObject({
      applications_received: '1',
      laureates: '1',
      campaigns_funded: '1',
      success_rate_percent: '100',
      collected_total_cents: '123461',
      collected_total_eur: '1234.61',
      unique_contributors: '1',
      page_views: '42',
      window_opens_at: '2026-08-31T22:00:00.000Z',
    });
    const daily = parse(reportCsv(meta, figures, 'daily'))
      .slice(1)
      .map((r) => r.slice(2));
    expect(daily).toEqual([
      ['2026-09-01', '0', '0.00', '0', '0', '0.00'],
      ['2026-09-02', '123456', '1234.56', '1', '123456', '1234.56'],
      ['2026-09-03', '0', '0.00', '0', '123456', '1234.56'],
    ]);
    const categories = parse(reportCsv(meta, figures, 'categories'));
    expect(categories[1].slice(2, 5)).toEqual(['repair', 'Réparation', 'Repair']);
  });

  it('gives a category label per language: label_fr and label_en always, then one column per further language', () => {
    const dutch = computeReport({ ...input, categories: [{ key: 'repair', label: { fr: 'Réparation', nl: 'Herstel' } }] });
    const [header, row] = parse(reportCsv(meta, dutch, 'categories'));
    expect(header.slice(2, 6)).toEqual(['category', 'label_fr', 'label_en', 'label_nl']);
    expect(row.slice(2, 6)).toEqual(['repair', 'Réparation', '', 'Herstel']);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks the document freely
    const json = reportJson(meta, dutch) as Record<string, any>;
    expect(json.categories).toEqual([{ key: 'repair', label: { fr: 'Réparation', nl: 'Herstel' }, labelFr: 'Réparation', labelEn: '' }]);
    expect(json.programme).toMatchObject({ title: { fr: 'Makers', en: 'Makers' }, titleFr: 'Makers', titleEn: 'Makers' });
  });

  it('reads a snapshot published before titles and labels were stored per language', () => {
    const { title: _title, ...programme } = figures.programme;
    const old = { ...figures, programme, categories: [{ key: 'repair', labelFr: 'Réparation', labelEn: 'Repair' }] } as unknown as ReportFigures;
    const upgraded = upgradeFigures(old);
    expect(upgraded.programme.title).toEqual({ fr: 'Makers', en: 'Makers' });
    expect(upgraded.categories[0].label).toEqual({ fr: 'Réparation', en: 'Repair' });
    expect(parse(reportCsv(meta, upgraded, 'categories'))[1].slice(2, 5)).toEqual(['repair', 'Réparation', 'Repair']);
  });

  it('gives the JSON a schemaVersion, the version, and every amount in cents and in euros', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks the document freely
    const json = reportJson(meta, figures) as Record<string, any>;
    expect(json.schemaVersion).toBe(2);
    expect(openDataErrors(json)).toEqual([]);
    expect(json.version).toBe(3);
    expect(json.publishedAt).toBe('2026-10-01T08:00:00.000Z');
    expect(json.tenant).toEqual({ slug: 'lumiere', name: 'Métropole' });
    expect(json.amounts).toEqual({
      citizensCents: 123_456,
      citizensEur: 1234.56,
      matchFundingCents: 5,
      matchFundingEur: 0.05,
      totalCents: 123_461,
      totalEur: 1234.61,
    });
    expect(json.campaignRows[0]).toMatchObject({ goalCents: 100_000, goalEur: 1000, totalEur: 1234.61, outcome: 'funded' });
    expect(json.daily[1]).toMatchObject({ date: '2026-09-02', cumulativeCents: 123_456, cumulativeEur: 1234.56 });
    expect(json.programme).toEqual(figures.programme);
  });

  it('adds euros at any depth without touching other keys', () => {
    expect(withEuros({ a: [{ xCents: 150, n: 1 }], yCents: null })).toEqual({ a: [{ xCents: 150, xEur: 1.5, n: 1 }], yCents: null });
  });

  it('keeps PDF text as written (the embedded font draws every language), dropping only control characters', () => {
    expect(pdfText('55\u202f000\u00a0€ — œuvre')).toBe('55\u202f000\u00a0€ — œuvre');
    expect(pdfText('Łódź, Ærø, Ğü\u0007')).toBe('Łódź, Ærø, Ğü');
  });
});
