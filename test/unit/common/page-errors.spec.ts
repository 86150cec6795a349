import { DomainError } from '../../../src/common/errors/domain-error.js';
import { ErrorMessages } from '../../../src/common/errors/error-messages.js';
import { attemptOnPage, fieldErrorsView, pageErrors } from '../../../src/common/web/page-errors.js';
import { ERROR_CATALOGUE } from '../../../src/error-catalogue.js';

const catalogue = new ErrorMessages(ERROR_CATALOGUE);

describe('pageErrors', () => {
  it('puts a mapped code next to its field, in the page language, with the catalogue status', () => {
    const res = pageErrors(catalogue, new DomainError('TENANT_SLUG_TAKEN', { slug: 'lyon' }), { locale: 'fr', fields: { TENANT_SLUG_TAKEN: 'slug' } });
    expect(res.status).toBe(ERROR_CATALOGUE.TENANT_SLUG_TAKEN.status);
    expect(res.errorList).toEqual([{ field: 'slug', message: catalogue.message(new DomainError('TENANT_SLUG_TAKEN', { slug: 'lyon' }), 'fr') }]);
    expect(res.errors).toEqual({ slug: res.errorList[0].message });
    expect(res.errorList[0].message).not.toBe(catalogue.message(new DomainError('TENANT_SLUG_TAKEN', { slug: 'lyon' }), 'en'));
  });

  it('fills the message placeholders from the details', () => {
    const res = pageErrors(catalogue, new DomainError('RATE_LIMITED', { retryAfterSeconds: 42 }), { locale: 'en', otherwise: 'email' });
    expect(res.errorList).toEqual([{ field: 'email', message: 'Too many attempts. Please wait 42 seconds.' }]);
    expect(res.status).toBe(429);
  });

  it("shows the error's own field problems, reworded or moved by the page", () => {
    const err = new DomainError('VALIDATION_FAILED', {}, [
      { field: 'hosts.1', message: 'is not a host name' },
      { field: 'name', message: 'is required' },
    ]);
    expect(pageErrors(catalogue, err, { locale: 'en' }).errorList).toEqual(err.fieldErrors);
    const moved = pageErrors(catalogue, err, { locale: 'en', fieldProblem: (p) => ({ field: 'all', message: `${p.field}: ${p.message}` }) });
    expect(moved).toEqual({
      status: 400,
      errors: { all: 'hosts.1: is not a host name' },
      errorList: [
        { field: 'all', message: 'hosts.1: is not a host name' },
        { field: 'all', message: 'name: is required' },
      ],
    });
  });

  it('uses the message instead of the field problems when the page says so', () => {
    const err = new DomainError('COACHING_FILE_REQUIRED', {}, [{ field: 'file', message: 'attach a PDF or an image' }]);
    const res = pageErrors(catalogue, err, { locale: 'en', otherwise: 'evidence', showsFieldProblems: (e) => e.code === 'VALIDATION_FAILED' });
    expect(res.errorList).toEqual([{ field: 'evidence', message: catalogue.message(err, 'en') }]);
  });

  it('takes a message of its own from the page', () => {
    const res = pageErrors(catalogue, new DomainError('CALL_CLOSED'), { locale: 'en', fields: { CALL_CLOSED: 'title' }, message: (e) => `closed: ${e.code}` });
    expect(res.errorList).toEqual([{ field: 'title', message: 'closed: CALL_CLOSED' }]);
  });

  it('throws on what is not a mistake of the form', () => {
    const rules = { locale: 'en' as const, otherwise: 'x' };
    const boom = new Error('boom');
    expect(() => pageErrors(catalogue, boom, rules)).toThrow(boom);
    for (const code of ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'] as const) {
      expect(() => pageErrors(catalogue, new DomainError(code), rules)).toThrow(DomainError);
    }
    // A code the page does not place, without a catch-all field, goes to the error page too.
    expect(() => pageErrors(catalogue, new DomainError('CONFLICT'), { locale: 'en', fields: { TENANT_HOST_TAKEN: 'hosts' } })).toThrow(DomainError);
  });

  it('attemptOnPage is null when the action succeeds', async () => {
    await expect(attemptOnPage(catalogue, { locale: 'en', otherwise: 'x' }, async () => 1)).resolves.toBeNull();
    await expect(
      attemptOnPage(catalogue, { locale: 'en', otherwise: 'x' }, async () => {
        throw new DomainError('CONFLICT');
      }),
    ).resolves.toMatchObject({ status: 409, errors: { x: expect.any(String) } });
  });

  it('fieldErrorsView maps the first problem of each field', () => {
    expect(
      fieldErrorsView([
        { field: 'a', message: '1' },
        { field: 'a', message: '2' },
      ]),
    ).toEqual({
      errors: { a: '1' },
      errorList: [
        { field: 'a', message: '1' },
        { field: 'a', message: '2' },
      ],
    });
  });
});
