import type { Locale } from '../i18n/localized.js';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { describeMessage, type DomainError, type ErrorCode, type ErrorDescription } from './domain-error.js';

/**
 * The error catalogue given at boot (assembled at the app root from every module's codes: `common/`
 * imports no domain), read by the problem filter and the pages.
 */
export class ErrorMessages {
  constructor(private readonly catalogue: Readonly<Record<ErrorCode, ErrorDescription>>) {}

  /** Status and messages of a code; undefined for a code no module declared (answered as a bug). */
  describe(code: string): ErrorDescription | undefined {
    return Object.hasOwn(this.catalogue, code) ? this.catalogue[code as ErrorCode] : undefined;
  }

  /** The error's message in a language, its details filled in; the code itself when unknown. */
  message(err: DomainError, locale: Locale): string {
    const desc = this.describe(err.code);
    return desc ? describeMessage(desc, locale, err.details) : err.code;
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
