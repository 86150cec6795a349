/** What staff write on the privacy settings form, checked before it is stored (pure). */
export const RGAA_STATUSES = ['full', 'partial', 'none'] as const;
export type RgaaStatus = (typeof RGAA_STATUSES)[number];

export interface PrivacySettingsInput {
  controllerName: string;
  controllerAddress: string;
  dpoEmail: string;
  dpoAddress: string;
  publicationDirector: string;
  hostName: string;
  hostAddress: string;
  hostContact: string;
  rgaaStatus: RgaaStatus;
  rgaaAuditDate: string | null;
}

export const SETTINGS_TEXT_FIELDS = [
  'controllerName',
  'controllerAddress',
  'dpoEmail',
  'dpoAddress',
  'publicationDirector',
  'hostName',
  'hostAddress',
  'hostContact',
] as const;

export const SETTINGS_TEXT_MAX = 500;

/** A problem with one field: the catalogue key and its values (rendered by the caller). */
export interface SettingsProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day written YYYY-MM-DD that exists (not 31 February). */
function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The form's values, trimmed, or the problems found (all of them, for the error summary). */
export function checkSettings(raw: Record<string, unknown>): { ok: true; value: PrivacySettingsInput } | { ok: false; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const out = Object.fromEntries(SETTINGS_TEXT_FIELDS.map((k) => [k, text(k)])) as Record<(typeof SETTINGS_TEXT_FIELDS)[number], string>;
  for (const k of SETTINGS_TEXT_FIELDS) {
    if (raw[k] !== undefined && raw[k] !== null && typeof raw[k] !== 'string') problems.push({ field: k, key: 'validation.isString' });
    else if (out[k].length > SETTINGS_TEXT_MAX) problems.push({ field: k, key: 'validation.maxLength', values: { max: SETTINGS_TEXT_MAX } });
  }
  if (!out.controllerName) problems.push({ field: 'controllerName', key: 'validation.required' });
  if (!out.dpoEmail) problems.push({ field: 'dpoEmail', key: 'validation.required' });
  else if (!EMAIL.test(out.dpoEmail)) problems.push({ field: 'dpoEmail', key: 'validation.isEmail' });
  const status = raw.rgaaStatus ?? 'none';
  if (typeof status !== 'string' || !(RGAA_STATUSES as readonly string[]).includes(status)) {
    problems.push({ field: 'rgaaStatus', key: 'validation.isIn', values: { values: RGAA_STATUSES.join(', ') } });
  }
  const date = text('rgaaAuditDate');
  if (date && !isDay(date)) problems.push({ field: 'rgaaAuditDate', key: 'validation.isDate' });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { ...out, rgaaStatus: status as RgaaStatus, rgaaAuditDate: date || null } };
}

export const LEGAL_BODY_MAX = 50_000;

/**
 * A page body staff wrote as plain text, as safe HTML: blank lines separate paragraphs, a line that
 * starts with "# " is a heading, one that starts with "- " a list item. Nothing the author types is
 * taken as markup.
 */
export function textToHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  return blocks
    .map((b) => {
      const lines = b.split('\n').map((l) => l.trim());
      if (lines.length === 1 && lines[0].startsWith('# ')) return `<h2>${esc(lines[0].slice(2).trim())}</h2>`;
      if (lines.every((l) => l.startsWith('- '))) return `<ul>${lines.map((l) => `<li>${esc(l.slice(2).trim())}</li>`).join('')}</ul>`;
      return `<p>${lines.map(esc).join('<br>')}</p>`;
    })
    .join('\n');
}
