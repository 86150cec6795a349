import { type DynamicModule, Global, Module } from '@nestjs/common';
import { formatMoney } from '../i18n/format.js';
import { isMessage, isMoney, renderMessage } from '../i18n/message.js';
import type { Locale } from '../i18n/localized.js';
import { sharedTranslations, type Translations } from '../web/i18n.js';
import type { DomainError, ErrorCode, ErrorDescription } from './domain-error.js';

/** The catalogue key of an error code's message. */
export const errorKey = (code: string): string => `error.${code}`;

/**
 * The error catalogue given at boot (assembled at the app root from every module's codes: `common/`
 * imports no domain), read by the problem filter and the pages. Messages are the catalogues'
 * `error.<CODE>` keys, rendered in the reader's language.
 */
export class ErrorMessages {
  constructor(
    private readonly catalogue: Readonly<Record<ErrorCode, ErrorDescription>>,
    private readonly translations: Translations = sharedTranslations(),
  ) {}

  /** Status of a code; undefined for a code no module declared (answered as a bug). */
  describe(code: string): ErrorDescription | undefined {
    return Object.hasOwn(this.catalogue, code) ? this.catalogue[code as ErrorCode] : undefined;
  }

  /** The error's message in a language, its details filled in; the code itself when unknown. */
  message(err: Pick<DomainError, 'code' | 'details'>, locale: Locale): string {
    return this.render(err.code, err.details, locale);
  }

  /**
   * A code's message with its details: a detail named in `labels` is shown by its label; a detail that
   * is a message descriptor (or a list of them, a guard's reasons) is rendered in the same language.
   */
  render(code: string, details: Record<string, unknown>, locale: Locale): string {
    const desc = this.describe(code);
    if (!desc) return code;
    const t = (l: Locale, key: string, values?: Record<string, unknown>) => this.translations.t(l, key, values);
    const values: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(details)) {
      if (isMessage(v)) values[name] = renderMessage(t, locale, v);
      else if (isMoney(v)) values[name] = formatMoney(v.cents, locale);
      else if (Array.isArray(v) && v.length && v.every(isMessage)) values[name] = v.map((m) => renderMessage(t, locale, m)).join(' ');
      else values[name] = v;
    }
    for (const [name, prefix] of Object.entries(desc.labels ?? {})) {
      const key = `${prefix}.${String(details[name])}`;
      if (details[name] !== undefined && this.translations.has(key)) values[name] = this.translations.t(locale, key);
    }
    return this.translations.t(locale, errorKey(code), values).trim();
  }

  /** A sentence of the catalogue (not an error code's), e.g. the internal error's title. */
  text(locale: Locale, key: string, values?: Record<string, unknown>): string {
    return this.translations.t(locale, key, values);
  }

  codes(): ErrorCode[] {
    return Object.keys(this.catalogue) as ErrorCode[];
  }
}

/** Provides ErrorMessages to every module, from the catalogue the app root assembled. */
@Global()
@Module({})
export class ErrorMessagesModule {
  static register(catalogue: Readonly<Record<ErrorCode, ErrorDescription>>): DynamicModule {
    return { module: ErrorMessagesModule, providers: [{ provide: ErrorMessages, useValue: new ErrorMessages(catalogue) }], exports: [ErrorMessages] };
  }
}
