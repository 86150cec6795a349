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

export type MessageValue = string | number | boolean | null | Message | Money;
export type MessageValues = { [name: string]: MessageValue };

export function message(key: string, values?: MessageValues): Message {
  return values ? { key, values } : { key };
}

export function isMoney(value: unknown): value is Money {
  return typeof value === 'object' && value !== null && typeof (value as Money).cents === 'number' && !('key' in value);
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
    values[name] = isMessage(v) ? renderMessage(t, locale, v) : isMoney(v) ? formatMoney(v.cents, locale) : v;
  return t(locale, msg.key, values);
}
