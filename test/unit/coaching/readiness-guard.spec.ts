import { readinessBlockers, type ReadinessFacts } from '../../../src/coaching/domain/readiness-guard.js';

const facts = (over: Partial<ReadinessFacts> = {}): ReadinessFacts => ({ laureatesNotReady: null, readinessOverridden: false, ...over });

describe('coaching readiness guard', () => {
  it('no campaign with laureates not ready unless overridden', () => {
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 2 })).map((b) => b.code)).toEqual(['LAUREATES_NOT_READY']);
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 2, readinessOverridden: true }))).toEqual([]);
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 0 }))).toEqual([]);
    expect(readinessBlockers('settlement', facts({ laureatesNotReady: 2 }))).toEqual([]);
    expect(readinessBlockers('campaign', facts({ laureatesNotReady: 2 }))[0].fr).toContain('2 lauréat(s)');
  });
});
