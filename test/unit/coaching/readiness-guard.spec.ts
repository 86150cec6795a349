import { readinessBlockers, type ReadinessFacts } from '../../../src/coaching/domain/readiness-guard.js';
import { renderMessage } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';

const facts = (over: Partial<ReadinessFacts> = {}): ReadinessFacts => ({ laureatesNotReady: null, readinessOverridden: false, ...over });

describe('coaching readiness guard', () => {
  it('no campaign with laureates not ready unless overridden', () => {
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 2 })).map((b) => b.code)).toEqual(['LAUREATES_NOT_READY']);
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 2, readinessOverridden: true }))).toEqual([]);
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 0 }))).toEqual([]);
    expect(readinessBlockers('settlement', facts({ laureatesNotReady: 2 }))).toEqual([]);
    const [reason] = readinessBlockers('campaign', facts({ laureatesNotReady: 2 }));
    expect(renderMessage((l, k, v) => sharedTranslations().t(l, k, v), 'fr', reason)).toBe('2 lauréats ne sont pas prêts pour la campagne.');
    expect(renderMessage((l, k, v) => sharedTranslations().t(l, k, v), 'en', { ...reason, values: { count: 1 } })).toBe(
      '1 laureate is not ready for the campaign.',
    );
  });
});
