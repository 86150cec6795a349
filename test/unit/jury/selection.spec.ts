import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { drawOrder } from '../../../src/jury/domain/draw.js';
import { rankCandidates, selectLaureates, type Candidate } from '../../../src/jury/domain/selection.js';
import { shuffle } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

const c = (applicationId: string, score: number, more: Partial<Candidate> = {}): Candidate => ({ applicationId, score, keys: {}, groups: {}, ...more });

describe('ranking', () => {
  it('flags ties (within 1e-9), shares the rank and applies tie-breakers in the declared order', () => {
    const ranked = rankCandidates(
      [
        c('a1', 7, { keys: { jurorCount: 5, submittedAt: '2026-03-02T10:00:00Z' } }),
        c('a2', 9, { keys: { jurorCount: 4, submittedAt: '2026-03-05T10:00:00Z' } }),
        c('a3', 7 + 1e-12, { keys: { jurorCount: 6, submittedAt: '2026-03-09T10:00:00Z' } }),
        c('a4', 7, { keys: { jurorCount: 5, submittedAt: '2026-03-01T10:00:00Z' } }),
        c('a5', 7, { keys: { jurorCount: 5, submittedAt: '2026-03-01T10:00:00Z' } }),
      ],
      [
        { key: 'jurorCount', prefer: 'higher' },
        { key: 'submittedAt', prefer: 'lower' },
      ],
    );
    // a4 and a5 are equal on every tie-breaker: the draw (empty seed here) orders them.
    const [d1, d2] = drawOrder('', ['a4', 'a5']);
    expect(ranked.map((r) => [r.applicationId, r.rank, r.position, r.tied])).toEqual([
      ['a2', 1, 1, false],
      ['a3', 2, 2, true],
      [d1, 2, 3, true],
      [d2, 2, 4, true],
      ['a1', 2, 5, true],
    ]);
    expect(ranked[1].tieBreaks).toEqual([{ ahead: 'a3', behind: d1, key: 'jurorCount', aheadValue: 6, behindValue: 5 }]);
    expect(ranked[2].tieBreaks.map((d) => d.key)).toEqual(['jurorCount', 'draw']);
    expect(ranked[4].tieBreaks).toEqual([
      { ahead: d2, behind: 'a1', key: 'submittedAt', aheadValue: '2026-03-01T10:00:00Z', behindValue: '2026-03-02T10:00:00Z' },
    ]);
    expect(ranked[0].tieBreaks).toEqual([]);
  });

  it('refuses missing or mixed tie-break keys, duplicates and scores that are not numbers', () => {
    const tb = [{ key: 'submittedAt', prefer: 'lower' as const }];
    expect(() => rankCandidates([c('a1', 1, { keys: { submittedAt: 1 } }), c('a2', 1)], tb)).toThrow('TIE_BREAK_KEY_MISSING');
    expect(() => rankCandidates([c('a1', 1, { keys: { submittedAt: 1 } }), c('a2', 1, { keys: { submittedAt: 'x' } })], tb)).toThrow('TIE_BREAK_KEY_INVALID');
    expect(() => rankCandidates([c('a1', 1), c('a1', 2)])).toThrow('CANDIDATE_DUPLICATE');
    expect(() => rankCandidates([c('a1', Number.NaN)])).toThrow('CANDIDATE_SCORE_INVALID');
  });

  it('property: equal scores share a rank and are flagged; distinct scores are not; any input order gives the same ranking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 25 }), fc.integer(), (scores, seed) => {
        const candidates = scores.map((s, i) => c(`a${String(i).padStart(2, '0')}`, s / 2));
        const ranked = rankCandidates(candidates);
        for (const r of ranked) {
          const same = ranked.filter((o) => o.score === r.score);
          expect(r.tied).toBe(same.length > 1);
          expect(same.every((o) => o.rank === r.rank)).toBe(true);
          expect(r.rank).toBe(1 + ranked.filter((o) => o.score > r.score).length);
          expect(r.tieSize).toBe(same.length);
        }
        expect(ranked.map((r) => r.position)).toEqual(ranked.map((_, i) => i + 1));
        expect(rankCandidates(shuffle(candidates, seed))).toEqual(ranked);
      }),
    );
  });
});

describe('selection of laureates', () => {
  const territory = (t: string) => ({ groups: { territory: t } });
  const field = [
    c('a01', 20, territory('centre')),
    c('a02', 19, territory('centre')),
    c('a03', 18, territory('centre')),
    c('a04', 17, territory('centre')),
    c('a05', 16, territory('north')),
    c('a06', 15, territory('centre')),
    c('a07', 14, territory('south')),
    c('a08', 13, territory('south')),
    c('a09', 4, territory('south')),
  ];

  it('proposes the N best and a waiting list of the next W', () => {
    const result = selectLaureates(field, { laureates: 3, waitingList: 2 });
    expect(result.laureates).toEqual(['a01', 'a02', 'a03']);
    expect(result.waitingList).toEqual(['a04', 'a05']);
    expect(result.entries[0]).toMatchObject({ status: 'laureate', reason: 'rank' });
    expect(say(result.entries[0].explanation)).toBe('Position 1 of 9 (rank 1, score 20): laureate, among the 3 best placed.');
    expect(result.entries[3]).toMatchObject({ status: 'waiting_list', waitingListPosition: 1 });
    expect(result.entries[5]).toMatchObject({ status: 'not_selected', reason: 'rank' });
  });

  it('quotas: the best of a short group is selected first, and the displaced one heads the waiting list', () => {
    const result = selectLaureates(field, {
      laureates: 4,
      waitingList: 2,
      quotas: [
        { dimension: 'territory', group: 'south', min: 1 },
        { dimension: 'territory', group: 'north', min: 1 },
        { dimension: 'territory', group: 'centre', min: 1 },
      ],
    });
    expect(result.laureates).toEqual(['a01', 'a02', 'a05', 'a07']);
    expect(result.waitingList).toEqual(['a03', 'a04']);
    const byId = new Map(result.entries.map((e) => [e.applicationId, e]));
    expect(byId.get('a07')).toMatchObject({ status: 'laureate', reason: 'quota', quota: { group: 'south', min: 1 } });
    expect(byId.get('a05')).toMatchObject({ status: 'laureate', reason: 'quota' });
    expect(byId.get('a01')).toMatchObject({ status: 'laureate', reason: 'rank' });
    expect(byId.get('a03')).toMatchObject({ status: 'waiting_list', reason: 'displaced_by_quota', waitingListPosition: 1 });
    expect(say(byId.get('a07')!.explanation, 'fr')).toContain('quota');
    expect(result.explanation.figures).toMatchObject({ byQuota: 2, laureates: 4 });
  });

  it('a quota the top N already meets changes nothing', () => {
    const result = selectLaureates(field, { laureates: 3, quotas: [{ dimension: 'territory', group: 'centre', min: 2 }] });
    expect(result.laureates).toEqual(['a01', 'a02', 'a03']);
    expect(result.entries.slice(0, 3).every((e) => e.reason === 'rank')).toBe(true);
  });

  it('cut-off: nobody below it is selected, not for a quota, not for the waiting list', () => {
    const result = selectLaureates(field, {
      laureates: 8,
      waitingList: 3,
      cutOff: 14,
      quotas: [{ dimension: 'territory', group: 'south', min: 3 }],
    });
    expect(result.laureates).toEqual(['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a07']);
    expect(result.waitingList).toEqual([]);
    expect(result.entries.find((e) => e.applicationId === 'a09')).toMatchObject({ status: 'below_cut_off', reason: 'cut_off' });
    expect(result.entries.find((e) => e.applicationId === 'a08')).toMatchObject({ status: 'below_cut_off' });
    expect(result.unmetQuotas).toMatchObject([{ quota: { group: 'south', min: 3 }, selected: 1 }]);
    expect(say(result.entries.find((e) => e.applicationId === 'a09')!.explanation)).toContain('below the cut-off of 14,');
  });

  it('flags a tie settled by a tie-breaker at the edge of the laureates', () => {
    const result = selectLaureates(
      [c('a1', 5, { keys: { jurorCount: 3 } }), c('a2', 5, { keys: { jurorCount: 4 } }), c('a3', 9, { keys: { jurorCount: 1 } })],
      {
        laureates: 2,
        waitingList: 1,
        tieBreakers: [{ key: 'jurorCount', prefer: 'higher' }],
      },
    );
    expect(result.laureates).toEqual(['a3', 'a2']);
    expect(result.boundaryTies).toMatchObject([{ boundary: 'laureates', decision: { ahead: 'a2', behind: 'a1', key: 'jurorCount' } }]);
    expect(say(result.boundaryTies[0].explanation)).toContain('“a2” ahead of “a1” by number of jurors (4 vs 3)');
  });

  it('refuses nonsensical rules', () => {
    expect(() => selectLaureates(field, { laureates: -1 })).toThrow('SELECTION_RULES_INVALID');
    expect(() => selectLaureates(field, { laureates: 1, waitingList: 1.5 })).toThrow('SELECTION_RULES_INVALID');
    expect(() => selectLaureates(field, { laureates: 1, quotas: [{ dimension: 'territory', group: 'north', min: -1 }] })).toThrow('SELECTION_RULES_INVALID');
  });

  const selectionCase = fc.record({
    scores: fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom('north', 'south', 'centre')), { minLength: 1, maxLength: 30 }),
    laureates: fc.integer({ min: 0, max: 12 }),
    waitingList: fc.integer({ min: 0, max: 5 }),
    cutOff: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    quota: fc.option(fc.record({ group: fc.constantFrom('north', 'south', 'centre'), min: fc.integer({ min: 0, max: 4 }) }), { nil: undefined }),
    seed: fc.integer(),
  });

  it('property: sizes, cut-off, quota when feasible, and the same result in any input order', () => {
    fc.assert(
      fc.property(selectionCase, ({ scores, laureates, waitingList, cutOff, quota, seed }) => {
        const candidates = scores.map(([s, t], i) => c(`a${String(i).padStart(2, '0')}`, s, territory(t)));
        const quotas = quota ? [{ dimension: 'territory', ...quota }] : [];
        const rules = { laureates, waitingList, cutOff, quotas };
        const result = selectLaureates(candidates, rules);
        const eligible = candidates.filter((x) => cutOff === undefined || x.score >= cutOff);
        expect(result.laureates).toHaveLength(Math.min(laureates, eligible.length));
        expect(result.waitingList).toHaveLength(Math.min(waitingList, eligible.length - result.laureates.length));
        const score = new Map(candidates.map((x) => [x.applicationId, x]));
        for (const id of [...result.laureates, ...result.waitingList]) expect(cutOff === undefined || score.get(id)!.score >= cutOff).toBe(true);
        if (quota) {
          const inGroup = eligible.filter((x) => x.groups!.territory === quota.group).length;
          const got = result.laureates.filter((id) => score.get(id)!.groups!.territory === quota.group).length;
          expect(got).toBeGreaterThanOrEqual(Math.min(quota.min, inGroup, laureates));
          expect(result.unmetQuotas.length > 0).toBe(got < quota.min);
        }
        // Reasons: within the N best placed eligible, a laureate is there by rank and a non-laureate was
        // displaced by a quota; beyond them, a laureate is there for a quota.
        const eligibleEntries = result.entries.filter((e) => e.status !== 'below_cut_off');
        eligibleEntries.forEach((e, i) => {
          const expected = i < laureates ? (e.status === 'laureate' ? 'rank' : 'displaced_by_quota') : e.status === 'laureate' ? 'quota' : 'rank';
          expect(e.reason).toBe(expected);
        });
        expect(result.entries.filter((e) => e.reason === 'quota')).toHaveLength(result.entries.filter((e) => e.reason === 'displaced_by_quota').length);
        expect(selectLaureates(shuffle(candidates, seed), rules)).toEqual(result);
      }),
    );
  });
});
