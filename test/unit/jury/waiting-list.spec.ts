import fc from 'fast-check';
import { nextToPromote } from '../../../src/jury/domain/waiting-list.js';

describe('who is promoted from the waiting list', () => {
  it('is null when nobody is waiting', () => {
    expect(nextToPromote([], [{}])).toBeNull();
  });

  it('without quotas: the lowest waiting position, whatever the order given', () => {
    const next = nextToPromote(
      [
        { applicationId: 'c', position: 3 },
        { applicationId: 'a', position: 1 },
        { applicationId: 'b', position: 2 },
      ],
      [],
    );
    expect(next).toEqual({ applicationId: 'a', position: 1, reason: 'rank' });
  });

  it('a quota left short by the withdrawal is filled by the first of its group', () => {
    const quota = { dimension: 'category', group: 'food', min: 1 };
    const next = nextToPromote(
      [
        { applicationId: 'w1', position: 1, groups: { category: 'arts' } },
        { applicationId: 'w2', position: 2, groups: { category: 'food' } },
        { applicationId: 'w3', position: 3, groups: { category: 'food' } },
      ],
      [{ groups: { category: 'arts' } }],
      [quota],
    );
    expect(next).toEqual({ applicationId: 'w2', position: 2, reason: 'quota', quota });
  });

  it('a met quota, or one nobody waiting can fill, leaves the order by position', () => {
    const waiting = [
      { applicationId: 'w1', position: 1, groups: { category: 'arts' } },
      { applicationId: 'w2', position: 2, groups: { category: 'food' } },
    ];
    expect(nextToPromote(waiting, [{ groups: { category: 'food' } }], [{ dimension: 'category', group: 'food', min: 1 }])?.applicationId).toBe('w1');
    expect(nextToPromote(waiting, [], [{ dimension: 'category', group: 'sport', min: 1 }])?.applicationId).toBe('w1');
  });

  it('always promotes someone waiting, and the first of the list when no quota applies', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (positions) => {
        const waiting = positions.map((p) => ({ applicationId: `a${p}`, position: p }));
        const next = nextToPromote(waiting, [], [])!;
        expect(next.position).toBe(Math.min(...positions));
      }),
    );
  });
});
