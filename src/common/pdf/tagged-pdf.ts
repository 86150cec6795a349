import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * A tagged PDF (PDF/UA): every text is in the structure tree (headings, paragraphs, tables with header
 * cells, figures with their alternative text) in reading order, decorations and page numbers are
 * artifacts, the fonts are embedded (DejaVu, from the `dejavu-fonts-ttf` package: any language's
 * letters, not only Latin-1), and the document says its language and shows its title.
 */

const require = createRequire(import.meta.url);
const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

export const MARGIN = 48;
const INK = '#1a1a1a';
const MUTED = '#505050';
const RULE = '#d0d4da';

export interface Column {
  head: string;
  /** Share of the table's width. */
  w: number;
  right?: boolean;
}

export class TaggedPdf {
  readonly doc: PDFKit.PDFDocument;
  private readonly root: PDFKit.PDFStructureElement;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(
    opts: { title: string; author: string; subject: string; lang: string; createdAt: Date },
    readonly colour: string,
  ) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      pdfVersion: '1.7',
      // PDF/UA is in pdfkit since 0.16; its type definitions list only the PDF/A subsets.
      subset: 'PDF/UA' as never,
      tagged: true,
      lang: opts.lang,
      displayTitle: true,
      bufferPages: true,
      info: { Title: opts.title, Author: opts.author, Subject: opts.subject, CreationDate: opts.createdAt },
    });
    this.doc.registerFont('body', FONTS.regular);
    this.doc.registerFont('bold', FONTS.bold);
    this.doc.font('body');
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a page when less than `room` points are left. */
  needs(room: number): void {
    if (this.doc.y + room > this.bottom) this.doc.addPage();
  }

  /** Decoration that carries no information: outside the structure tree. */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  heading(level: 1 | 2 | 3, text: string): void {
    const size = level === 1 ? 20 : level === 2 ? 14 : 10;
    this.needs(level === 3 ? 30 : 60);
    this.doc.x = this.doc.page.margins.left;
    this.root.add(
      this.doc.struct(`H${level}`, {}, () => {
        this.doc
          .font('bold')
          .fontSize(size)
          .fillColor(level === 3 ? INK : this.colour)
          .text(text, { width: this.width });
      }),
    );
    this.doc.moveDown(level === 3 ? 0.1 : 0.35);
  }

  paragraph(text: string, o: { size?: number; muted?: boolean; bold?: boolean; gap?: number } = {}): void {
    this.doc.x = this.doc.page.margins.left;
    this.root.add(
      this.doc.struct('P', {}, () => {
        this.doc
          .font(o.bold ? 'bold' : 'body')
          .fontSize(o.size ?? 10)
          .fillColor(o.muted ? MUTED : INK)
          .text(text, { width: this.width });
      }),
    );
    this.doc.moveDown(o.gap ?? 0.4);
  }

  /**
   * A table with a header row (TH, scope Column) and the first cell of each row as its header (TH,
   * scope Row), so a screen reader announces "Campagne X, Objectif, 3 500 €". Words are never cut:
   * the columns are sized so that each header's longest word fits.
   */
  table(cols: Column[], body: string[][], o: { size?: number } = {}): void {
    const size = o.size ?? 8;
    this.doc.font('bold').fontSize(size);
    const widths = fitColumns(
      cols.map((c) => c.w),
      cols.map((c) => Math.max(...c.head.split(/\s+/).map((word) => this.doc.widthOfString(word))) + 8),
      this.width,
    );
    this.needs(40);
    this.doc.x = this.doc.page.margins.left;
    const align = (i: number) => (cols[i].right ? 'right' : 'left');
    // Rules under rows only (top, right, bottom, left): a light table that reads as lines, not a grid.
    const rule = { border: [0, 0, 0.5, 0], borderColor: RULE, padding: [3, 4] };
    const bold = { src: 'bold', size };
    this.doc.font('body').fontSize(size);
    // `structParent` makes pdfkit tag the table (Table, TR, TH/TD with headers); its types do not list it yet.
    this.doc.table({
      structParent: this.root,
      columnStyles: widths,
      data: [
        cols.map((c, i) => ({ ...rule, border: [0, 0, 1, 0], text: c.head, type: 'TH', scope: 'Column', font: bold, align: { x: align(i), y: 'bottom' } })),
        ...body.map((row) =>
          row.map((cell, i) =>
            i === 0
              ? { ...rule, text: cell, type: 'TH', scope: 'Row', font: bold }
              : { ...rule, text: cell, font: { src: 'body', size }, align: { x: align(i) } },
          ),
        ),
      ],
    } as never);
    this.doc.x = this.doc.page.margins.left;
    this.doc.moveDown(0.6);
  }

  /** A drawing with its alternative text (what a screen reader says instead of the picture). */
  figure(alt: string, height: number, draw: (x: number, y: number, width: number) => void): void {
    this.needs(height + 10);
    const x = this.doc.page.margins.left;
    const y = this.doc.y;
    this.root.add(this.doc.struct('Figure', { alt }, () => draw(x, y, this.width)));
    this.doc.x = x;
    this.doc.y = y + height + 8;
  }

  /** "Page X of Y" on every page, as pagination artifacts. */
  async finish(pageLabel: (page: number, pages: number) => string): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0; // writing in the margin must not start a new page
      this.artifact(() => {
        this.doc
          .font('body')
          .fontSize(8)
          .fillColor(MUTED)
          .text(pageLabel(i + 1, range.count), this.doc.page.margins.left, this.doc.page.height - bottom / 2 - 4, {
            width: this.width,
            align: 'right',
            lineBreak: false,
          });
      }, 'Pagination');
      this.doc.page.margins.bottom = bottom;
    }
    this.root.end();
    this.doc.end();
    return this.done;
  }
}

/**
 * Column widths in points from shares of the width, each at least its minimum (a header's longest
 * word); what the widened columns take is taken from the others in proportion.
 */
export function fitColumns(shares: number[], minimums: number[], width: number): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  let widths = shares.map((s) => (s / total) * width);
  for (let round = 0; round < 4; round++) {
    const short = widths.map((w, i) => Math.max(0, minimums[i] - w));
    const missing = short.reduce((a, b) => a + b, 0);
    if (missing <= 0.01) break;
    const spare = widths.map((w, i) => (short[i] > 0 ? 0 : Math.max(0, w - minimums[i])));
    const spareTotal = spare.reduce((a, b) => a + b, 0);
    if (spareTotal <= 0) break;
    widths = widths.map((w, i) => (short[i] > 0 ? minimums[i] : w - (spare[i] / spareTotal) * Math.min(missing, spareTotal)));
  }
  return widths;
}
