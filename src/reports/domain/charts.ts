/**
 * Charts drawn on the server as SVG, so the results page needs no JavaScript and the same figures
 * can be read without sight: each chart is one image (role="img") named by its <title> and
 * described by its <desc>, and the page shows the same numbers as a table next to it.
 * Every piece of text goes through escapeXml: titles come from laureates and authorities.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Only a plain "#rrggbb" reaches an attribute; anything else falls back to the default brand blue. */
function colourOf(value: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(value) ? value : '#1f4e9c';
}

/** An id safe in an attribute and unique on the page when prefixes differ. */
function idOf(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '') || 'chart';
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

export interface Bar {
  label: string;
  /** The language of `label` when it is not the page's (a campaign title), marked on its text. */
  lang?: string;
  /** Percent of the goal reached. */
  percent: number;
  /** What is written at the end of the bar, e.g. "112 %". */
  valueText: string;
  /**
   * Percent of the goal reached before refunds, for a campaign that missed its goal: drawn as a dashed
   * outline behind the bar, so that a near miss is not an empty bar.
   */
  before?: number;
}

export interface BarChartOptions {
  id: string;
  title: string;
  desc: string;
  bars: Bar[];
  colour: string;
  /** Label of the 100 % line. */
  goalLabel: string;
}

/**
 * One horizontal bar per campaign, 0 to at least 100 % of the goal, with the goal marked. Each label
 * sits above its bar so that the drawing stays narrow and legible on a phone.
 */
export function barChartSvg(o: BarChartOptions): string {
  const id = idOf(o.id);
  const width = 480;
  const left = 2;
  const right = width - 64;
  const rowHeight = 46;
  const top = 26;
  const height = top + Math.max(1, o.bars.length) * rowHeight + 4;
  // Scale to the best campaign, between 100 % and 200 %: a record breaker does not flatten the rest.
  const scaleMax = Math.min(200, Math.max(100, ...o.bars.map((b) => b.percent)));
  const x = (percent: number) => left + (Math.min(Math.max(percent, 0), scaleMax) / scaleMax) * (right - left);
  const colour = colourOf(o.colour);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 ${width} ${height}" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="15">`,
    `<title id="${id}-title">${escapeXml(o.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(o.desc)}</desc>`,
  ];
  o.bars.forEach((b, i) => {
    const y = top + i * rowHeight;
    const end = x(b.percent);
    const before = b.before !== undefined && b.before > b.percent ? x(b.before) : null;
    // The value after the bar (or its outline); right-aligned on the edge when it would not fit.
    const textAt = Math.min(Math.max(end, before ?? 0), right) + 6;
    const fits = textAt + b.valueText.length * 7.6 <= width;
    parts.push(
      `<text x="${left}" y="${y + 15}" fill="#1a1a1a"${b.lang ? ` lang="${escapeXml(b.lang)}"` : ''}>${escapeXml(shorten(b.label, 56))}</text>`,
      `<rect x="${left}" y="${y + 22}" width="${n(right - left)}" height="18" fill="#eef0f3"/>`,
      before === null
        ? ''
        : `<rect x="${left + 0.75}" y="${y + 22.75}" width="${n(Math.max(before - left - 1.5, 0))}" height="16.5" fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<rect x="${left}" y="${y + 22}" width="${n(Math.max(end - left, 0))}" height="18" fill="${colour}"/>`,
      `<text x="${n(fits ? textAt : width - 2)}" y="${y + 36}"${fits ? '' : ' text-anchor="end"'} fill="#1a1a1a">${escapeXml(b.valueText)}</text>`,
    );
  });
  const goal = n(x(100));
  parts.push(
    `<line x1="${goal}" y1="${top - 4}" x2="${goal}" y2="${height - 2}" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<text x="${goal}" y="${top - 10}" text-anchor="middle" fill="#1a1a1a">${escapeXml(o.goalLabel)}</text>`,
    '</svg>',
  );
  return parts.join('');
}

export interface LinePoint {
  label: string;
  value: number;
}

export interface LineChartOptions {
  id: string;
  title: string;
  desc: string;
  points: LinePoint[];
  colour: string;
  /** How an axis value is written (e.g. cents as euros). */
  formatValue: (value: number) => string;
}

/** A cumulative area over the days, with the axis ends and middle labelled. */
export function cumulativeChartSvg(o: LineChartOptions): string {
  const id = idOf(o.id);
  const width = 480;
  const height = 240;
  const left = 84;
  const right = width - 20;
  const top = 16;
  const bottom = height - 40;
  const colour = colourOf(o.colour);
  const max = Math.max(1, ...o.points.map((p) => p.value));
  const count = o.points.length;
  const x = (i: number) => (count <= 1 ? (left + right) / 2 : left + (i / (count - 1)) * (right - left));
  const y = (v: number) => bottom - (Math.max(v, 0) / max) * (bottom - top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 ${width} ${height}" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="15">`,
    `<title id="${id}-title">${escapeXml(o.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(o.desc)}</desc>`,
  ];
  for (const v of [0, max / 2, max]) {
    parts.push(
      `<line x1="${left}" y1="${n(y(v))}" x2="${right}" y2="${n(y(v))}" stroke="#d0d4da" stroke-width="1"/>`,
      `<text x="${left - 8}" y="${n(y(v) + 4)}" text-anchor="end" fill="#1a1a1a">${escapeXml(o.formatValue(Math.round(v)))}</text>`,
    );
  }
  if (count) {
    const line = o.points.map((p, i) => `${n(x(i))},${n(y(p.value))}`).join(' ');
    parts.push(
      `<polygon points="${n(x(0))},${bottom} ${line} ${n(x(count - 1))},${bottom}" fill="${colour}" fill-opacity="0.18"/>`,
      `<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="3"/>`,
    );
    const ticks = [...new Set([0, Math.floor((count - 1) / 2), count - 1])];
    for (const i of ticks) {
      const anchor = count > 1 && i === 0 ? 'start' : count > 1 && i === count - 1 ? 'end' : 'middle';
      parts.push(`<text x="${n(x(i))}" y="${bottom + 22}" text-anchor="${anchor}" fill="#1a1a1a">${escapeXml(o.points[i].label)}</text>`);
    }
  }
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#1a1a1a" stroke-width="1"/>`, '</svg>');
  return parts.join('');
}
