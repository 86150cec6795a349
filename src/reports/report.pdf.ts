import { intlTagOf } from '../common/i18n/format.js';
import { localDate, type ReportFigures } from './domain/report.js';
import { MARGIN, TaggedPdf } from '../common/pdf/tagged-pdf.js';
import { formatDate, formatEuros, formatPercent, reportView, type Locale, type Translate } from './report.view.js';

/** Spaces the built-in fonts lacked are kept (DejaVu has them); only control characters are dropped. */
export function pdfText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

export interface PdfMeta {
  tenantName: string;
  colour: string;
  version: number;
  publishedAt: string;
  publishedAtText: string;
  /** The authority's logo (PNG or JPEG bytes) for the cover. */
  logo?: { bytes: Buffer; width: number; height: number };
}

/**
 * The report for the council, as an accessible tagged PDF in one language: a cover (authority,
 * programme, collection dates, version), the key figures, the campaigns (a landscape table so that no
 * header is cut), the near misses, the two charts drawn as vectors with their text equivalents, the
 * distributions by commune and category, the definitions, and "page X of Y" on every page.
 */
export function reportPdf(f: ReportFigures, meta: PdfMeta, locale: Locale, t: Translate): Promise<Buffer> {
  const v = reportView(f, locale, t, { colour: meta.colour });
  const colour = /^#[0-9a-fA-F]{6}$/.test(meta.colour) ? meta.colour : '#1f4e9c';
  const title = pdfText(t('report.resultsOf', { title: v.programmeTitle }));
  const pdf = new TaggedPdf(
    {
      title,
      author: pdfText(meta.tenantName),
      subject: pdfText(t('report.versionOf', { version: meta.version })),
      lang: intlTagOf(locale),
      createdAt: new Date(meta.publishedAt),
    },
    colour,
  );
  const doc = pdf.doc;
  const eur = (c: number) => formatEuros(c, locale);

  // Cover: a band in the authority's colour (decoration), then who, what, when.
  pdf.artifact(() => doc.rect(0, 0, doc.page.width, 12).fill(colour));
  doc.y = 60;
  if (meta.logo) {
    // At most 64 pt high and 200 pt wide, its proportions kept; its text alternative is the authority's name.
    const scale = Math.min(64 / meta.logo.height, 200 / meta.logo.width, 1);
    const h = meta.logo.height * scale;
    pdf.figure(pdfText(t('report.pdf.logo', { name: meta.tenantName })), h, (x, y) => {
      doc.image(meta.logo!.bytes, x, y, { width: meta.logo!.width * scale, height: h });
    });
  }
  pdf.paragraph(pdfText(meta.tenantName), { size: 12, bold: true, muted: true });
  pdf.heading(1, title);
  if (f.window.opensAt && f.window.closesAt) {
    // Calendar days in the authority's time zone; the window closes at an instant, its last day is the one before it.
    const day = (ms: number) => formatDate(localDate(new Date(ms), f.timeZone), locale);
    pdf.paragraph(t('report.pdf.window', { from: day(Date.parse(f.window.opensAt)), to: day(Date.parse(f.window.closesAt) - 1) }));
  }
  pdf.paragraph(pdfText(t('report.version', { version: meta.version, date: meta.publishedAtText })), { muted: true, gap: 1 });

  pdf.heading(2, t('report.keyFigures'));
  pdf.table(
    [
      { head: t('report.pdf.figure'), w: 0.65 },
      { head: t('report.pdf.value'), w: 0.35, right: true },
    ],
    v.keyFigures.map((k) => [pdfText(k.label), pdfText(k.value)]),
    { size: 10 },
  );

  // The per-campaign table has ten columns: a landscape page gives every header room for its words.
  doc.addPage({ size: 'A4', layout: 'landscape', margin: MARGIN });
  pdf.heading(2, t('report.perCampaignTitle'));
  pdf.table(
    [
      { head: t('report.campaign'), w: 0.2 },
      { head: t('report.commune'), w: 0.11 },
      { head: t('report.category'), w: 0.1 },
      { head: t('report.goal'), w: 0.08, right: true },
      { head: t('report.citizens'), w: 0.08, right: true },
      { head: t('report.matched'), w: 0.09, right: true },
      { head: t('report.total'), w: 0.08, right: true },
      { head: t('report.percent'), w: 0.07, right: true },
      { head: t('report.contributors'), w: 0.09, right: true },
      { head: t('report.outcome'), w: 0.1 },
    ],
    v.campaignRows.map((r) =>
      [
        r.title,
        r.commune,
        r.categoryLabel,
        r.goal,
        r.citizens,
        r.matched,
        r.total,
        r.percent,
        r.contributorsText,
        r.reachedNote ? `${r.outcomeLabel} (${r.reachedNote})` : r.outcomeLabel,
      ].map(pdfText),
    ),
  );
  if (v.nearMisses.length) {
    pdf.heading(2, t('report.nearMissTitle'));
    pdf.paragraph(t('report.nearMissIntro'), { size: 9 });
    pdf.table(
      [
        { head: t('report.campaign'), w: 0.3 },
        { head: t('report.goal'), w: 0.12, right: true },
        { head: t('report.reachedBeforeRefunds'), w: 0.16, right: true },
        { head: t('report.percent'), w: 0.12, right: true },
        { head: t('report.contributors'), w: 0.14, right: true },
        { head: t('report.refundedColumn'), w: 0.16, right: true },
      ],
      v.nearMisses.map((r) => [r.title, r.goal, r.reached, r.percent, r.contributors, r.refunded].map(pdfText)),
    );
  }

  doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
  if (f.campaignRows.length) {
    pdf.heading(2, t('report.barTitle'));
    const alt = [t('report.barDesc', { count: f.campaigns.total, funded: f.campaigns.funded }), ...v.campaignRows.map((r) => `${r.title} : ${r.barText}`)].join(
      ' ',
    );
    const rowH = 15;
    pdf.figure(pdfText(alt), f.campaignRows.length * rowH + 14, (x, y, width) =>
      barChart(doc, f, v.campaignRows, { x, y: y + 12, width, rowH, colour, locale, goal: t('report.goalLine') }),
    );
  }
  if (f.daily.length) {
    const last = f.daily[f.daily.length - 1];
    pdf.heading(2, t('report.dailyTitle'));
    const alt = t('report.dailyDesc', { from: v.daily[0].date, to: v.daily[v.daily.length - 1].date, total: eur(last.cumulativeCents) });
    pdf.figure(pdfText(alt), 170, (x, y, width) => lineChart(doc, f.daily, { x, y, width, height: 160, colour, locale }));
  }

  for (const [key, rows, first] of [
    ['report.byCommune', v.byCommune, 'report.commune'],
    ['report.byCategory', v.byCategory, 'report.category'],
  ] as const) {
    pdf.heading(2, t(key));
    pdf.table(
      [
        { head: t(first), w: 0.3 },
        { head: t('report.campaignsCount'), w: 0.12, right: true },
        { head: t('report.funded'), w: 0.12, right: true },
        { head: t('report.citizens'), w: 0.16, right: true },
        { head: t('report.matched'), w: 0.14, right: true },
        { head: t('report.total'), w: 0.16, right: true },
      ],
      rows.map((g) => [g.label, g.campaigns, g.funded, g.citizens, g.matched, g.total].map(pdfText)),
    );
  }

  if (v.partners.length) {
    pdf.heading(2, t('report.partnersTitle'));
    pdf.table(
      [
        { head: t('report.partner'), w: 0.4 },
        { head: t('report.partnerBudget'), w: 0.2, right: true },
        { head: t('report.partnerMatched'), w: 0.2, right: true },
        { head: t('report.partnerCampaigns'), w: 0.2, right: true },
      ],
      v.partners.map((p) => [p.name, p.budget, p.matched, p.campaigns].map(pdfText)),
    );
  }

  pdf.heading(2, t('report.definitions'));
  for (const d of v.definitions) {
    pdf.heading(3, pdfText(d.term));
    pdf.paragraph(pdfText(d.text), { size: 9 });
  }
  return pdf.finish((page, pages) => t('report.pdf.page', { page, pages }));
}

type Doc = PDFKit.PDFDocument;

/** One bar per campaign (0 to at least 100 % of the goal), a dashed outline for what a missed one reached before refunds. */
function barChart(
  doc: Doc,
  f: ReportFigures,
  rows: Array<{ title: string; percent: string; barText: string }>,
  o: { x: number; y: number; width: number; rowH: number; colour: string; locale: Locale; goal: string },
): void {
  const labelW = o.width * 0.36;
  const barW = o.width * 0.46;
  const scale = Math.min(200, Math.max(100, ...f.campaignRows.map((r) => r.percentOfGoal)));
  const at = (p: number) => o.x + labelW + (Math.min(Math.max(p, 0), scale) / scale) * barW;
  for (const [i, r] of f.campaignRows.entries()) {
    const y = o.y + i * o.rowH;
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#1a1a1a')
      .text(pdfText(r.title), o.x, y + 2, { width: labelW - 6, height: 10, ellipsis: true, lineBreak: false });
    doc.rect(o.x + labelW, y, barW, 11).fill('#eef0f3');
    const before = r.outcome === 'not_funded' && r.beforeRefunds && r.beforeRefunds.percentOfGoal > r.percentOfGoal ? r.beforeRefunds.percentOfGoal : null;
    if (before !== null)
      doc
        .rect(o.x + labelW + 0.5, y + 0.5, at(before) - o.x - labelW - 1, 10)
        .lineWidth(1)
        .dash(3, { space: 2 })
        .stroke(o.colour)
        .undash();
    doc.rect(o.x + labelW, y, at(r.percentOfGoal) - o.x - labelW, 11).fill(o.colour);
    const text = before === null ? rows[i].percent : `${rows[i].percent} / ${formatPercent(before, o.locale)}`;
    doc.fillColor('#1a1a1a').text(pdfText(text), o.x + labelW + barW + 6, y + 2, { lineBreak: false });
  }
  const goalX = at(100);
  doc
    .moveTo(goalX, o.y - 4)
    .lineTo(goalX, o.y + f.campaignRows.length * o.rowH)
    .lineWidth(1)
    .dash(3, { space: 2 })
    .stroke('#1a1a1a')
    .undash();
  doc
    .fontSize(8)
    .fillColor('#1a1a1a')
    .text(pdfText(o.goal), goalX - 30, o.y - 14, { width: 60, align: 'center', lineBreak: false });
}

/** The cumulative collection per day: the area under the curve, three amounts on the axis, three dates under it. */
function lineChart(doc: Doc, days: ReportFigures['daily'], o: { x: number; y: number; width: number; height: number; colour: string; locale: Locale }): void {
  const axisW = 70;
  const plotX = o.x + axisW;
  const plotW = o.width - axisW - 10;
  const plotH = o.height - 22;
  const max = Math.max(1, ...days.map((d) => d.cumulativeCents));
  const px = (i: number) => plotX + (days.length === 1 ? plotW : (i / (days.length - 1)) * plotW);
  const py = (v: number) => o.y + plotH - (v / max) * plotH;
  doc.lineWidth(0.5);
  for (const v of [0, max / 2, max]) {
    doc
      .moveTo(plotX, py(v))
      .lineTo(plotX + plotW, py(v))
      .stroke('#d0d4da');
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#1a1a1a')
      .text(pdfText(formatEuros(Math.round(v / 100) * 100, o.locale)), o.x, py(v) - 4, { width: axisW - 6, align: 'right', lineBreak: false });
  }
  doc.moveTo(px(0), py(0));
  days.forEach((d, i) => doc.lineTo(px(i), py(d.cumulativeCents)));
  doc
    .lineTo(px(days.length - 1), py(0))
    .closePath()
    .fillOpacity(0.18)
    .fill(o.colour)
    .fillOpacity(1);
  doc.moveTo(px(0), py(days[0].cumulativeCents));
  days.forEach((d, i) => doc.lineTo(px(i), py(d.cumulativeCents)));
  doc.lineWidth(1.5).stroke(o.colour);
  const marks = [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])];
  for (const i of marks)
    doc
      .fontSize(8)
      .fillColor('#1a1a1a')
      .text(pdfText(formatDate(days[i].date, o.locale, 'short')), px(i) - 30, o.y + plotH + 6, { width: 60, align: 'center', lineBreak: false });
}
