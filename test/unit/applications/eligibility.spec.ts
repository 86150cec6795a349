import { renderMessage } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { assertCanEdit, assertCanSubmit, assertCanWithdraw, editBlocker, receiptNumber } from '../../../src/applications/domain/application-state.js';
import { evaluateEligibility, failedRules, type EligibilityRules } from '../../../src/applications/domain/eligibility.js';
import { toCsv } from '../../../src/applications/domain/export.js';
import { sniffFileType } from '../../../src/applications/domain/file-sniffing.js';

const RULES: EligibilityRules = {
  territory: [
    { name: "Villeneuve-d'Ascq", postcode: '59650' },
    { name: 'Lille', postcode: '59000' },
  ],
  goalMinCents: 100_000,
  goalMaxCents: 1_000_000,
  categories: [{ key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse' } }],
  onePerApplicant: true,
};
const OK = { category: 'reuse', goalCents: 500_000, commune: 'Lille', postcode: '59000', consent: true, otherApplications: 0 };

describe('eligibility rules', () => {
  it('passes a complete application of the territory', () => {
    expect(failedRules(evaluateEligibility(RULES, OK))).toEqual([]);
  });

  it('recognises communes by name without accents, dashes or case, or by postcode', () => {
    expect(failedRules(evaluateEligibility(RULES, { ...OK, commune: 'villeneuve d ascq', postcode: '' }))).toEqual([]);
    expect(failedRules(evaluateEligibility(RULES, { ...OK, commune: 'Ailleurs', postcode: '59650' }))).toEqual([]);
  });

  it('explains each failed rule in both languages', () => {
    const failed = failedRules(
      evaluateEligibility(RULES, { category: 'other', goalCents: 99_999, commune: 'Paris', postcode: '75001', consent: false, otherApplications: 1 }),
    );
    expect(failed.map((r) => r.rule)).toEqual(['territory', 'goal', 'category', 'consent', 'one_per_applicant']);
    const say = (r: (typeof failed)[number], lang: string) => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, r.reason);
    expect(say(failed[1], 'en')).toBe('The funding goal must be between €1,000 and €10,000.');
    expect(say(failed[1], 'fr')).toMatch(/^L'objectif de collecte doit être compris entre 1\s000\s€ et 10\s000\s€\.$/u);
    for (const lang of sharedTranslations().locales) expect(failed.every((r) => say(r, lang).length > 10 && !/[{}]/.test(say(r, lang)))).toBe(true);
  });

  it('includes the bounds themselves', () => {
    expect(failedRules(evaluateEligibility(RULES, { ...OK, goalCents: 100_000 }))).toEqual([]);
    expect(failedRules(evaluateEligibility(RULES, { ...OK, goalCents: 1_000_000 }))).toEqual([]);
    expect(failedRules(evaluateEligibility(RULES, { ...OK, goalCents: 1_000_001 })).map((r) => r.rule)).toEqual(['goal']);
  });
});

describe('application state', () => {
  const deadline = new Date('2026-05-31T21:59:59Z');
  const call = { callOpen: true, deadline, allowEditAfterSubmit: true };
  const draft = { status: 'draft' as const, screening: 'pending' as const, correctionUntil: null };

  it('enforces the deadline to the second', () => {
    expect(() => assertCanSubmit(draft, call, new Date('2026-05-31T21:59:59Z'))).not.toThrow();
    expect(() => assertCanSubmit(draft, call, new Date('2026-05-31T22:00:00Z'))).toThrow('CALL_CLOSED');
  });

  it('reopens for a correction until its date, even after the deadline', () => {
    const corr = { ...draft, status: 'submitted' as const, correctionUntil: new Date('2026-06-10T16:00:00Z') };
    expect(editBlocker(corr, call, new Date('2026-06-05T00:00:00Z'))).toBeUndefined();
    expect(editBlocker(corr, call, new Date('2026-06-11T00:00:00Z'))).toBe('CALL_CLOSED');
  });

  it('keeps submitted applications closed when the call does not allow edits', () => {
    expect(() => assertCanEdit({ ...draft, status: 'submitted' }, { ...call, allowEditAfterSubmit: false }, new Date('2026-05-01T00:00:00Z'))).toThrow(
      'APPLICATION_ALREADY_SUBMITTED',
    );
    expect(() => assertCanWithdraw({ ...draft, status: 'submitted', screening: 'eligible' })).toThrow('APPLICATION_ALREADY_SCREENED');
  });

  it('formats receipt numbers', () => {
    expect(receiptNumber('mak26', 42)).toBe('MAK26-00042');
  });
});

describe('files and exports', () => {
  it('recognises PDF and images by their first bytes', () => {
    expect(sniffFileType(Buffer.from('%PDF-1.7 ...'))?.mime).toBe('application/pdf');
    expect(sniffFileType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.mime).toBe('image/png');
    expect(sniffFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.mime).toBe('image/jpeg');
    expect(sniffFileType(Buffer.from('MZ\x90\x00'))).toBeUndefined();
    expect(sniffFileType(Buffer.from('<svg onload=alert(1)>'))).toBeUndefined();
  });

  it('writes CSV that spreadsheets read as text', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['=HYPERLINK("x")', 'say "hi", ok'],
          ['-2', 'line\nbreak'],
        ],
      ),
    ).toBe('a,b\r\n"\'=HYPERLINK(""x"")","say ""hi"", ok"\r\n\'-2,"line\nbreak"\r\n');
  });
});
