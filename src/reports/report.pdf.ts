import PDFDocument from 'pdfkit';
import type { ReportFigures } from './domain/report.js';
import { formatEuros, formatPercent, reportView, type Locale, type Translate } from './report.view.js';

/** The characters Windows-1252 adds in 0x80–0x9F: the only ones beyond Latin-1 the built-in PDF fonts can draw. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text for the PDF's standard fonts: French number spacing (narrow no-break spaces) becomes a plain
 * space, and a character the fonts cannot draw becomes "?" rather than garbage.
 */
export function pdfText(text: string): string {
  return [...text.replace(/[\u202f\u00a0]/g, ' ')]
    .map((c) => {
      const code = c.codePointAt(0)!;
      return (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(c) || c === '\n' ? c : '?';
    })
    .join('');
}

export interface PdfMeta {
  tenantName: string;
  colour: string;
  version: number;
  publishedAt: string;
  publishedAtText: string;
}

const MARGIN = 40;
const PAGE_BOTTOM = 800;

/** The report for the council: branded header, key figures, the per-campaign table and the distributions. */
export function reportPdf(f: ReportFigures, meta: PdfMeta, locale: Locale, t: Translate): Promise<Buffer> {
  const v = reportView(f, locale, t, { colour: meta.colour });
  const colour = /^#[0-9a-fA-F]{6}$/.test(meta.colour) ? meta.colour : '#1f4e9c';
  const title = pdfText(t('report.resultsOf', { title: v.programmeTitle }));
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: title,
      Author: pdfText(meta.tenantName),
      Subject: pdfText(t('report.versionOf', { version: meta.version })),
      CreationDate: new Date(meta.publishedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;

  // Header band in the authority's colour (AA contrast with white is enforced on the branding).
  doc.rect(0, 0, doc.page.width, 78).fill(colour);
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(18).text(pdfText(meta.tenantName), MARGIN, 22, { width });
  doc.font('Helvetica').fontSize(11).text(pdfText(v.programmeTitle), MARGIN, 48, { width });
  doc.fillColor('#1a1a1a').font('Helvetica-Bold').fontSize(16).text(title, MARGIN, 100, { width });
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#505050')
    .text(pdfText(t('report.version', { version: meta.version, date: meta.publishedAtText })), { width });
  doc.moveDown(1);

  heading(doc, t('report.keyFigures'));
  doc.fontSize(10);
  for (const k of v.keyFigures) {
    const y = doc.y;
    doc
      .fillColor('#1a1a1a')
      .font('Helvetica')
      .text(pdfText(k.label), MARGIN, y, { width: width * 0.6 });
    doc.font('Helvetica-Bold').text(pdfText(k.value), MARGIN + width * 0.6, y, { width: width * 0.4, align: 'right' });
    doc.moveDown(0.25);
  }

  doc.moveDown(0.5);
  heading(doc, t('report.perCampaignTitle'));
  table(
    doc,
    [
      { head: t('report.campaign'), w: 0.24 },
      { head: t('report.commune'), w: 0.12 },
      { head: t('report.goal'), w: 0.09, right: true },
      { head: t('report.citizens'), w: 0.1, right: true },
      { head: t('report.matched'), w: 0.09, right: true },
      { head: t('report.total'), w: 0.1, right: true },
      { head: t('report.percent'), w: 0.06, right: true },
      { head: t('report.contributors'), w: 0.09, right: true },
      { head: t('report.outcome'), w: 0.11 },
    ],
    v.campaignRows.map((r) => [r.title, r.commune, r.goal, r.citizens, r.matched, r.total, r.percent, r.contributorsText, r.outcomeLabel]),
  );

  // What the campaigns that missed their goal had reached before their refunds (not in the totals above).
  if (v.nearMisses.length) {
    doc.moveDown(0.8);
    heading(doc, t('report.nearMissTitle'));
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#1a1a1a')
      .text(pdfText(t('report.nearMissIntro')), MARGIN, doc.y, { width });
    doc.moveDown(0.4);
    table(
      doc,
      [
        { head: t('report.campaign'), w: 0.3 },
        { head: t('report.goal'), w: 0.13, right: true },
        { head: t('report.reachedBeforeRefunds'), w: 0.17, right: true },
        { head: t('report.percent'), w: 0.12, right: true },
        { head: t('report.contributors'), w: 0.14, right: true },
        { head: t('report.refundedColumn'), w: 0.14, right: true },
      ],
      v.nearMisses.map((r) => [r.title, r.goal, r.reached, r.percent, r.contributors, r.refunded]),
    );
  }

  // The bar chart, drawn as rectangles: one per campaign, the goal line at 100 %.
  if (f.campaignRows.length) {
    doc.moveDown(0.5);
    heading(doc, t('report.barTitle'));
    const labelW = width * 0.35;
    const barW = width * 0.5;
    const scale = Math.min(200, Math.max(100, ...f.campaignRows.map((r) => r.percentOfGoal)));
    for (const [i, r] of f.campaignRows.entries()) {
      if (doc.y > PAGE_BOTTOM - 20) doc.addPage();
      const y = doc.y;
      doc
        .fillColor('#1a1a1a')
        .font('Helvetica')
        .fontSize(8)
        .text(pdfText(r.title), MARGIN, y + 2, { width: labelW - 6, height: 10, ellipsis: true, lineBreak: false });
      doc.rect(MARGIN + labelW, y, barW, 11).fill('#eef0f3');
      // A campaign that missed its goal: a dashed outline of what it reached before its refunds.
      const before = r.outcome === 'not_funded' && r.beforeRefunds && r.beforeRefunds.percentOfGoal > r.percentOfGoal ? r.beforeRefunds.percentOfGoal : null;
      if (before !== null)
        doc
          .rect(MARGIN + labelW + 0.5, y + 0.5, (Math.min(before, scale) / scale) * barW - 1, 10)
          .lineWidth(1)
          .dash(3, { space: 2 })
          .stroke(colour)
          .undash();
      doc.rect(MARGIN + labelW, y, (Math.min(r.percentOfGoal, scale) / scale) * barW, 11).fill(colour);
      const valueText = before === null ? v.campaignRows[i].percent : v.campaignRows[i].percent + ' / ' + formatPercent(before, locale);
      doc.fillColor('#1a1a1a').text(pdfText(valueText), MARGIN + labelW + barW + 6, y + 2, { lineBreak: false });
      doc.x = MARGIN;
      doc.y = y + 15;
    }
    const goalX = MARGIN + labelW + (100 / scale) * barW;
    doc
      .moveTo(goalX, doc.y - 15 * f.campaignRows.length - 2)
      .lineTo(goalX, doc.y)
      .dash(3, { space: 2 })
      .stroke('#1a1a1a')
      .undash();
  }

  for (const [key, rows, first] of [
    ['report.byCommune', v.byCommune, 'report.commune'],
    ['report.byCategory', v.byCategory, 'report.category'],
  ] as const) {
    doc.moveDown(0.8);
    heading(doc, t(key));
    table(
      doc,
      [
        { head: t(first), w: 0.3 },
        { head: t('report.campaignsCount'), w: 0.12, right: true },
        { head: t('report.funded'), w: 0.12, right: true },
        { head: t('report.citizens'), w: 0.16, right: true },
        { head: t('report.matched'), w: 0.14, right: true },
        { head: t('report.total'), w: 0.16, right: true },
      ],
      rows.map((g) => [g.label, g.campaigns, g.funded, g.citizens, g.matched, g.total]),
    );
  }

  if (f.daily.length) {
    doc.moveDown(0.8);
    heading(doc, t('report.dailyTitle'));
    const last = f.daily[f.daily.length - 1];
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('#1a1a1a')
      .text(
        pdfText(t('report.dailyDesc', { from: v.daily[0].date, to: v.daily[v.daily.length - 1].date, total: formatEuros(last.cumulativeCents, locale) })),
        MARGIN,
        doc.y,
        { width },
      );
  }
  // What each figure means: the same words as the page.
  doc.moveDown(0.8);
  heading(doc, t('report.definitions'));
  for (const d of v.definitions) {
    if (doc.y > PAGE_BOTTOM - 40) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(9).fillColor('#1a1a1a').text(pdfText(d.term), MARGIN, doc.y, { width });
    doc.font('Helvetica').text(pdfText(d.text), { width });
    doc.moveDown(0.3);
  }
  doc.end();
  return done;

  function heading(d: PDFKit.PDFDocument, text: string): void {
    if (d.y > PAGE_BOTTOM - 60) d.addPage();
    d.fillColor(colour).font('Helvetica-Bold').fontSize(13).text(pdfText(text), MARGIN, d.y, { width });
    d.moveDown(0.3);
  }

  function table(d: PDFKit.PDFDocument, cols: Array<{ head: string; w: number; right?: boolean }>, body: string[][]): void {
    const line = (cells: string[], bold: boolean) => {
      d.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
      const heights = cells.map((c, i) => d.heightOfString(pdfText(c), { width: cols[i].w * width - 4 }));
      const h = Math.max(...heights) + 4;
      if (d.y + h > PAGE_BOTTOM) d.addPage();
      const y = d.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        d.fillColor('#1a1a1a').text(pdfText(c), x + 2, y + 2, { width: cols[i].w * width - 4, align: cols[i].right ? 'right' : 'left' });
        x += cols[i].w * width;
      });
      d.moveTo(MARGIN, y + h)
        .lineTo(MARGIN + width, y + h)
        .lineWidth(0.5)
        .stroke('#d0d4da');
      d.x = MARGIN;
      d.y = y + h;
    };
    line(
      cols.map((c) => c.head),
      true,
    );
    for (const r of body) line(r, false);
  }
}
