import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A node of a page's structure tree as pdf.js reads it (roles such as H1, Table, TH, Figure). */
export interface StructNode {
  role: string;
  alt?: string;
  lang?: string;
  children: Array<StructNode | { type: string }>;
}

export interface PdfReading {
  pages: number;
  /** The text of each page, items joined by spaces. */
  text: string[];
  /** Each page's structure tree (null when the page is not tagged). */
  trees: Array<StructNode | null>;
  title: string | undefined;
  language: string | undefined;
  marked: boolean;
  /** Whether the catalogue asks viewers to show the title rather than the file name. */
  displayDocTitle: boolean;
  /** Every font is embedded (a FontFile of its own), none is one of the 14 standard fonts left to the viewer. */
  fontsEmbedded: boolean;
}

/** Reads a PDF the way an assistive technology does: its tags, its text, its language and title (pdf.js). */
export async function readPdf(bytes: Buffer): Promise<PdfReading> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false }).promise;
  const text: string[] = [];
  const trees: Array<StructNode | null> = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    text.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
    trees.push((await page.getStructTree()) as unknown as StructNode | null);
  }
  const meta = await doc.getMetadata();
  const info = meta.info as Record<string, unknown>;
  const marked = Boolean(((await doc.getMarkInfo()) as { Marked?: boolean } | null)?.Marked);
  const viewer = (await doc.getViewerPreferences()) as { DisplayDocTitle?: boolean } | null;
  const raw = bytes.toString('latin1');
  const fonts = [...raw.matchAll(/\/Type \/Font\b[^]*?>>/g)].map((m) => m[0]);
  const fontsEmbedded = !/\/BaseFont \/(Helvetica|Times|Courier|Symbol|ZapfDingbats)/.test(raw) && /\/FontFile2 /.test(raw) && fonts.length > 0;
  await doc.destroy();
  return {
    pages: text.length,
    text,
    trees,
    title: info.Title as string | undefined,
    language: info.Language as string | undefined,
    marked,
    displayDocTitle: viewer?.DisplayDocTitle === true,
    fontsEmbedded,
  };
}

/** Every node of the trees, depth first (reading order). */
export function structNodes(trees: Array<StructNode | null>): StructNode[] {
  const out: StructNode[] = [];
  const walk = (n: StructNode) => {
    out.push(n);
    for (const c of n.children ?? []) if ('role' in c) walk(c as StructNode);
  };
  for (const t of trees) if (t) walk(t);
  return out;
}
