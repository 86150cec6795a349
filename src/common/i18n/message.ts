import { formatMoney } from './format.js';
import type { Locale } from './localized.js';

/**
 * A sentence for people, not yet in a language: a catalogue key and its values. Domain code returns
 * these (a guard's reason, a tally's explanation) and the page, e-mail or API renders them in the
 * reader's language. A value may itself be a descriptor (a phase's label: `{ key: 'phase.jury' }`).
 * Stored as JSON as is (`{ "key": "...", "values": { ... } }`), so a third language needs no migration.
 */
export interface Message {
  key: string;
  values?: MessageValues;
}

/** An amount of money in a message, formatted in the reader's language ("1 000 €", "€1,000"). */
export interface Money {
  cents: number;
}

/**
 * Text a person wrote in one known language (an application's title), named in a message: shown as is
 * in plain text, and in HTML wrapped in `<span lang="xx">` when that is not the reader's language.
 */
export interface WrittenText {
  text: string;
  lang: string;
}

export type MessageValue = string | number | boolean | null | Message | Money | WrittenText;
export type MessageValues = { [name: string]: MessageValue };

export function message(key: string, values?: MessageValues): Message {
  return values ? { key, values } : { key };
}

export function isMoney(value: unknown): value is Money {
  return typeof value === 'object' && value !== null && typeof (value as Money).cents === 'number' && !('key' in value);
}

export function isWritten(value: unknown): value is WrittenText {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WrittenText).text === 'string' &&
    typeof (value as WrittenText).lang === 'string' &&
    !('key' in value)
  );
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).key === 'string' && !Array.isArray(value);
}

/** What renders a key in a language (Translations.t, ViewService.t). */
export type Translate = (locale: Locale, key: string, values?: Record<string, unknown>) => string;

/** A descriptor in a language; nested descriptors among its values are rendered first. */
export function renderMessage(t: Translate, locale: Locale, msg: Message): string {
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(msg.values ?? {}))
    values[name] = isMessage(v) ? renderMessage(t, locale, v) : isMoney(v) ? formatMoney(v.cents, locale) : isWritten(v) ? v.text : v;
  return t(locale, msg.key, values);
}

/**
 * A descriptor in a language, as HTML: the sentence escaped, and each text a person wrote in another
 * language than the reader's (nested descriptors included) wrapped in `<span lang="xx">`.
 */
export function renderMessageHtml(t: Translate, locale: Locale, msg: Message): string {
  const values: Record<string, unknown> = {};
  const html: string[] = [];
  // Each HTML part stands in the sentence as a marker, replaced once the sentence itself is escaped.
  const mark = (part: string) => `\u0001${html.push(part) - 1}\u0001`;
  for (const [name, v] of Object.entries(msg.values ?? {})) {
    if (isMessage(v)) values[name] = mark(renderMessageHtml(t, locale, v));
    else if (isWritten(v))
      values[name] = mark(v.lang && v.lang !== locale ? `<span lang="${escapeHtml(v.lang)}">${escapeHtml(v.text)}</span>` : escapeHtml(v.text));
    else values[name] = isMoney(v) ? formatMoney(v.cents, locale) : v;
  }
  return escapeHtml(t(locale, msg.key, values)).replace(/\u0001(\d+)\u0001/g, (_, i: string) => html[Number(i)]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

/** As Handlebars escapes `{{value}}`. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ENTITIES[c]);
}
