import fc from 'fast-check';
import { centsToInput, eurosToCents, parseMoneyInput } from '../../../src/common/web/money.js';

describe('money typed into a form', () => {
  it.each([
    ['25', 2500],
    ['0', 0],
    ['25,50', 2550],
    ['25.50', 2550],
    ['25,5', 2550],
    ['25.05', 2505],
    ['0,99', 99],
    ['1 234,50 €', 123450],
    ['1\u00a0234,50\u00a0€', 123450],
    ['1\u202f234,50 €', 123450],
    ['€25', 2500],
    ['€ 25.50', 2550],
    ['25€', 2500],
    ['25 EUR', 2500],
    ['EUR 40', 4000],
    ['eur40', 4000],
    ['  12  ', 1200],
    ['1 250 €', 125000],
    ['1.234,50', 123450],
    ['1,234.50', 123450],
    ['1.234.567,89', 123456789],
    ['1,234,567.89', 123456789],
    ['007', 700],
    ['999999999', 99_999_999_900],
    ['999 999 999,99', 99_999_999_999],
  ])('%j is %d cents', (raw, cents) => {
    expect(parseMoneyInput(raw)).toEqual({ ok: true, cents });
    expect(eurosToCents(raw)).toBe(cents);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u00a0', 'empty'],
    ['€', 'not_a_number'],
    ['abc', 'not_a_number'],
    ['5e3', 'not_a_number'],
    ['0x10', 'not_a_number'],
    ['Infinity', 'not_a_number'],
    ['25,', 'not_a_number'],
    [',50', 'not_a_number'],
    ['.5', 'not_a_number'],
    ['12,34,56', 'not_a_number'],
    ['1.234.56', 'not_a_number'],
    ['1,23.45', 'not_a_number'],
    ['+25', 'not_a_number'],
    ['25 $', 'not_a_number'],
    ['25€€', 'not_a_number'],
    ['2O', 'not_a_number'],
    ['-5', 'negative'],
    ['-5,00 €', 'negative'],
    ['−5', 'negative'],
    ['25,555', 'too_many_decimals'],
    ['1.234', 'too_many_decimals'],
    ['1,234', 'too_many_decimals'],
    ['1.234,567', 'too_many_decimals'],
    ['1000000000', 'too_large'],
    ['1 000 000 000,00', 'too_large'],
  ])('%j is refused (%s)', (raw, error) => {
    expect(parseMoneyInput(raw)).toEqual({ ok: false, error });
    expect(eurosToCents(raw)).toBeNull();
  });

  it('shows cents as a field value in the page language', () => {
    expect(centsToInput(2500, 'fr')).toBe('25');
    expect(centsToInput(2550, 'fr')).toBe('25,50');
    expect(centsToInput(2550, 'en')).toBe('25.50');
    expect(centsToInput(5, 'en')).toBe('0.05');
    expect(centsToInput(null, 'fr')).toBe('');
    expect(centsToInput(undefined, 'en')).toBe('');
  });

  it('reads back what it writes, in both languages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.constantFrom('fr' as const, 'en' as const), (cents, locale) => {
        expect(eurosToCents(centsToInput(cents, locale))).toBe(cents);
      }),
    );
  });

  it('reads what Intl writes for people', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.constantFrom('fr-FR', 'en-GB', 'en-US'), (cents, tag) => {
        const text = new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR' }).format(cents / 100);
        expect(eurosToCents(text)).toBe(cents);
      }),
    );
  });
});
