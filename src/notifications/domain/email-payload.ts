import { cleanLocalized, type Locale } from '../../common/i18n/localized.js';

/**
 * Fields that hold text people wrote: in a payload either a `Localized` map (`{ fr, en, nl }`) or, in
 * e-mails queued before content was stored per language, a plain string. Templates read them with
 * `{{locText x}}` / `{{langAttr x}}`, which take a map, at any depth (`partners[].description`).
 */
const LOCALIZED_FIELDS = new Set(['programmeTitle', 'campaignTitle', 'title', 'body', 'description', 'project']);

/**
 * The payload a template renders, from what is in the outbox row, whatever its age: a plain string
 * in a content field becomes a map in the reader's language (it is shown as is, with no `lang`
 * attribute); `programmeTitleFr`/`programmeTitleEn` become `programmeTitle` (kept too, for authority
 * templates written against them); cents written as strings become numbers; and the select values
 * the catalogue's sentences switch on (`kind`, `outcome`) are derived from the flags older rows carry.
 */
export function emailPayload(template: string, payload: Record<string, unknown>, locale: Locale): Record<string, unknown> {
  const out = normalise(payload, locale) as Record<string, unknown>;
  if (out.programmeTitle === undefined && (typeof payload.programmeTitleFr === 'string' || typeof payload.programmeTitleEn === 'string')) {
    out.programmeTitle = cleanLocalized({ fr: payload.programmeTitleFr, en: payload.programmeTitleEn });
  }
  if (template === 'coaching-reminder' && typeof out.kind !== 'string') {
    out.kind = out.overdue ? 'overdue' : out.sessionDay ? 'session_day' : 'before_due';
  }
  if (template === 'jury-result' && typeof out.outcome !== 'string') {
    out.outcome = out.laureate ? 'laureate' : out.waiting ? 'waiting' : 'not_selected';
  }
  if (template === 'campaign-nudge' && typeof out.kind !== 'string') {
    out.kind = out.openingTip ? 'opening_tip' : out.updateReminder ? 'update_reminder' : 'closing_alert';
  }
  return out;
}

function normalise(value: unknown, locale: Locale, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, locale));
  if (key && LOCALIZED_FIELDS.has(key) && typeof value === 'string') return value ? { [locale]: value } : {};
  if (key?.endsWith('Cents') && typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(key && LOCALIZED_FIELDS.has(key))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, locale, k)]));
  }
  return value;
}
