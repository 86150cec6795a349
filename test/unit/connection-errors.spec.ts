import { isDatabaseUnavailable } from '../../src/common/db/connection-errors.js';
import { localeFromAcceptLanguage } from '../../src/common/web/i18n.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database unavailable, told apart from a bug', () => {
  it('recognises refused, cut and timed-out connections, and PostgreSQL shutting down or starting', () => {
    for (const err of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      withCode('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('08001'),
      withCode('08P01'),
      // TypeORM's QueryFailedError keeps pg's error as driverError.
      Object.assign(new Error('query failed'), { driverError: withCode('57P01') }),
      // Node tries every address of "localhost" and reports them together.
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: undefined }),
      Object.assign(new Error('wrapped'), { cause: withCode('ECONNREFUSED') }),
    ]) {
      expect([err.message, isDatabaseUnavailable(err)]).toEqual([err.message, true]);
    }
  });

  it('leaves real errors alone', () => {
    for (const err of [
      new Error('boom'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('22P02'),
      withCode('42P01'),
      Object.assign(new Error('query failed'), { driverError: withCode('23514') }),
      undefined,
      null,
      'a string',
      42,
    ]) {
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
  });
});

describe('language of a request without a tenant', () => {
  it('takes French or English from Accept-Language by preference', () => {
    expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9,en;q=0.8', ['fr', 'en', 'nl'])).toBe('fr');
    expect(localeFromAcceptLanguage('de-DE, en;q=0.5, fr;q=0.7', ['fr', 'en', 'nl'])).toBe('fr');
    expect(localeFromAcceptLanguage('en-GB', ['fr', 'en', 'nl'])).toBe('en');
    expect(localeFromAcceptLanguage('fr;q=0, en', ['fr', 'en', 'nl'])).toBe('en');
    expect(localeFromAcceptLanguage('de, it, nl-BE', ['fr', 'en'])).toBeUndefined();
    expect(localeFromAcceptLanguage(undefined, ['fr', 'en', 'nl'])).toBeUndefined();
  });
});
