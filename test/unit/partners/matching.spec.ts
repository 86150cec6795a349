import fc from 'fast-check';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { computeMatching, type MatchingInput, type MatchingResult, type PairRef } from '../../../src/partners/domain/matching.js';
import {
  DEFAULT_WEIGHTS,
  scaledScore,
  scorePair,
  type MatchingLaureate,
  type MatchingPartner,
  type MatchingWeights,
} from '../../../src/partners/domain/scoring.js';

const TAGS = ['legal', 'marketing', 'finance', 'video', 'logistics'];
const THEMES = ['food', 'culture', 'sport'];

/** Small random rounds: ≤ 6 laureates, ≤ 4 partners, valid locks, some forbidden pairs. */
function roundArb(opts: { maxLaureates: number; maxPartners: number; maxPerLaureate: number }): fc.Arbitrary<MatchingInput> {
  return fc
    .record({
      nL: fc.integer({ min: 0, max: opts.maxLaureates }),
      nP: fc.integer({ min: 0, max: opts.maxPartners }),
      perLaureate: fc.integer({ min: 1, max: opts.maxPerLaureate }),
      weights: fc.record({
        needOverlap: fc.integer({ min: -2, max: 10 }).map((x) => x / 2),
        themeMatch: fc.integer({ min: -2, max: 10 }).map((x) => x / 2),
        laureatePreference: fc.integer({ min: -2, max: 10 }).map((x) => x / 2),
        partnerPreference: fc.integer({ min: -2, max: 10 }).map((x) => x / 2),
      }),
      overlap: fc.constantFrom('jaccard' as const, 'count' as const),
      seed: fc.integer(),
    })
    .chain(({ nL, nP, perLaureate, weights, overlap }) => {
      const lIds = Array.from({ length: nL }, (_, i) => `l${i}`);
      const pIds = Array.from({ length: nP }, (_, j) => `p${j}`);
      const allPairs = lIds.flatMap((laureateId) => pIds.map((partnerId) => ({ laureateId, partnerId })));
      const laureate = (id: string) =>
        fc.record({
          id: fc.constant(id),
          needs: fc.subarray(TAGS),
          theme: fc.option(fc.constantFrom(...THEMES), { nil: undefined }),
          preferences: fc.shuffledSubarray(pIds),
        });
      const partner = (id: string) =>
        fc.record({
          id: fc.constant(id),
          expertise: fc.subarray(TAGS),
          themes: fc.subarray(THEMES),
          capacity: fc.integer({ min: 0, max: 3 }),
          preferences: fc.shuffledSubarray(lIds),
        });
      return fc
        .record({
          laureates: fc.tuple(...lIds.map(laureate)),
          partners: fc.tuple(...pIds.map(partner)),
          forbidden: fc.subarray(allPairs),
          lockCandidates: fc.shuffledSubarray(allPairs, { maxLength: Math.min(4, allPairs.length) }),
        })
        .map(({ laureates, partners, forbidden, lockCandidates }) => {
          // Keep only locks that fit, so the round is feasible.
          const forbiddenKeys = new Set(forbidden.map((f) => `${f.laureateId}|${f.partnerId}`));
          const perL = new Map<string, number>();
          const perP = new Map<string, number>();
          const locked: PairRef[] = [];
          for (const c of lockCandidates) {
            const cap = partners.find((p) => p.id === c.partnerId)!.capacity;
            if (forbiddenKeys.has(`${c.laureateId}|${c.partnerId}`)) continue;
            if ((perL.get(c.laureateId) ?? 0) >= perLaureate || (perP.get(c.partnerId) ?? 0) >= cap) continue;
            perL.set(c.laureateId, (perL.get(c.laureateId) ?? 0) + 1);
            perP.set(c.partnerId, (perP.get(c.partnerId) ?? 0) + 1);
            locked.push(c);
          }
          return { laureates, partners, forbidden, locked, weights, overlap, sponsorsPerLaureate: perLaureate } satisfies MatchingInput;
        });
    });
}

/** Exhaustive search: the best (number of pairs, total score in thousandths) over every valid assignment. */
function bruteForce(input: MatchingInput): { count: number; total: number } {
  const per = input.sponsorsPerLaureate ?? 1;
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const forbidden = new Set((input.forbidden ?? []).map((f) => `${f.laureateId}|${f.partnerId}`));
  const locked = new Set((input.locked ?? []).map((f) => `${f.laureateId}|${f.partnerId}`));
  const load = input.partners.map(() => 0);
  let best = { count: -1, total: Number.NEGATIVE_INFINITY };
  const go = (i: number, count: number, total: number) => {
    if (i === input.laureates.length) {
      if (count > best.count || (count === best.count && total > best.total)) best = { count, total };
      return;
    }
    const l = input.laureates[i];
    const choose = (j: number, taken: number, count: number, total: number) => {
      if (j === input.partners.length) return go(i + 1, count, total);
      const p = input.partners[j];
      const key = `${l.id}|${p.id}`;
      if (!locked.has(key)) choose(j + 1, taken, count, total);
      if (!forbidden.has(key) && taken < per && load[j] < p.capacity) {
        load[j]++;
        choose(j + 1, taken + 1, count + 1, total + scaledScore(scorePair(l, p, weights, input.overlap).score));
        load[j]--;
      }
    };
    choose(0, 0, count, total);
  };
  go(0, 0, 0);
  return best;
}

/**
 * Reference optimum for rounds too big to enumerate: textbook successive shortest paths with
 * Bellman-Ford on a dense matrix (slow, obviously correct), locks counted apart.
 */
function referenceOptimum(input: MatchingInput): { count: number; total: number } {
  const per = input.sponsorsPerLaureate ?? 1;
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const forbidden = new Set((input.forbidden ?? []).map((f) => `${f.laureateId}|${f.partnerId}`));
  const L = input.laureates.length;
  const P = input.partners.length;
  const n = L + P + 2;
  const cap: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const cost: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const lockedL = new Array<number>(L).fill(0);
  const lockedP = new Array<number>(P).fill(0);
  const locked = new Set<string>();
  let count = 0;
  let total = 0;
  for (const lk of input.locked ?? []) {
    const i = input.laureates.findIndex((l) => l.id === lk.laureateId);
    const j = input.partners.findIndex((p) => p.id === lk.partnerId);
    lockedL[i]++;
    lockedP[j]++;
    locked.add(`${i}|${j}`);
    count++;
    total += scaledScore(scorePair(input.laureates[i], input.partners[j], weights, input.overlap).score);
  }
  input.laureates.forEach((l, i) => {
    cap[0][2 + i] = per - lockedL[i];
    input.partners.forEach((p, j) => {
      if (forbidden.has(`${l.id}|${p.id}`) || locked.has(`${i}|${j}`)) return;
      cap[2 + i][2 + L + j] = 1;
      cost[2 + i][2 + L + j] = -scaledScore(scorePair(l, p, weights, input.overlap).score);
      cost[2 + L + j][2 + i] = -cost[2 + i][2 + L + j];
    });
  });
  input.partners.forEach((p, j) => {
    cap[2 + L + j][1] = p.capacity - lockedP[j];
  });
  for (;;) {
    const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
    const prev = new Array<number>(n).fill(-1);
    dist[0] = 0;
    for (let round = 0; round < n; round++) {
      for (let u = 0; u < n; u++) {
        if (dist[u] === Number.POSITIVE_INFINITY) continue;
        for (let v = 0; v < n; v++) {
          if (cap[u][v] > 0 && dist[u] + cost[u][v] < dist[v]) {
            dist[v] = dist[u] + cost[u][v];
            prev[v] = u;
          }
        }
      }
    }
    if (dist[1] === Number.POSITIVE_INFINITY) return { count, total };
    for (let v = 1; v !== 0; v = prev[v]) {
      cap[prev[v]][v]--;
      cap[v][prev[v]]++;
    }
    count++;
    total -= dist[1];
  }
}

function checkInvariants(input: MatchingInput, result: MatchingResult): void {
  const per = input.sponsorsPerLaureate ?? 1;
  const keys = result.pairs.map((p) => `${p.laureateId}|${p.partnerId}`);
  expect(new Set(keys).size).toBe(keys.length);
  for (const p of input.partners) {
    const load = result.pairs.filter((x) => x.partnerId === p.id).length;
    expect(load).toBeLessThanOrEqual(p.capacity);
    expect(result.loads.find((x) => x.partnerId === p.id)!.load).toBe(load);
  }
  for (const l of input.laureates) {
    const n = result.pairs.filter((x) => x.laureateId === l.id).length;
    expect(n).toBeLessThanOrEqual(per);
    const unmatched = result.unmatched.find((u) => u.laureateId === l.id);
    if (n < per) expect(unmatched).toMatchObject({ sponsors: n, missing: per - n });
    else expect(unmatched).toBeUndefined();
  }
  for (const lk of input.locked ?? []) expect(keys).toContain(`${lk.laureateId}|${lk.partnerId}`);
  for (const f of input.forbidden ?? []) expect(keys).not.toContain(`${f.laureateId}|${f.partnerId}`);
}

/** Deterministic shuffle from a seed (mulberry32). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const k = Math.floor(rnd() * (i + 1));
    [out[i], out[k]] = [out[k], out[i]];
  }
  return out;
}

describe('compatibility score', () => {
  const laureate: MatchingLaureate = { id: 'l1', needs: ['Legal', 'marketing', 'video'], theme: 'food', preferences: ['p2', 'p1', 'p3'] };
  const partner: MatchingPartner = { id: 'p1', expertise: ['legal ', 'marketing', 'finance'], themes: ['food', 'sport'], capacity: 3, preferences: ['l1'] };

  it('explains each term: raw value, weight and contribution', () => {
    const weights: MatchingWeights = { needOverlap: 4, themeMatch: 2, laureatePreference: 3, partnerPreference: 1 };
    const s = scorePair(laureate, partner, weights);
    expect(s.terms).toEqual([
      { name: 'need_overlap', raw: 0.5, weight: 4, contribution: 2, detail: { shared: ['legal', 'marketing'] } },
      { name: 'theme_match', raw: 1, weight: 2, contribution: 2 },
      { name: 'laureate_preference', raw: 2 / 3, weight: 3, contribution: 2, detail: { rank: 2, listLength: 3 } },
      { name: 'partner_preference', raw: 1, weight: 1, contribution: 1, detail: { rank: 1, listLength: 1 } },
    ]);
    expect(s.score).toBe(7);
  });

  it('counts shared tags when staff choose the count measure, and ignores unranked preferences', () => {
    const s = scorePair({ ...laureate, preferences: [] }, { ...partner, preferences: undefined }, DEFAULT_WEIGHTS, 'count');
    expect(s.terms.map((t) => t.raw)).toEqual([2, 1, 0, 0]);
  });
});

describe('sponsor matching', () => {
  it('picks the best total, not the greedy first choice', () => {
    // Greedy would give l1 its best partner (p1) and leave l2 with a poor one.
    const result = computeMatching({
      laureates: [
        { id: 'l1', needs: ['a', 'b'] },
        { id: 'l2', needs: ['a'] },
      ],
      partners: [
        { id: 'p1', expertise: ['a'], themes: [], capacity: 1 },
        { id: 'p2', expertise: ['b'], themes: [], capacity: 1 },
      ],
      weights: { needOverlap: 1, themeMatch: 0, laureatePreference: 0, partnerPreference: 0 },
      overlap: 'count',
    });
    expect(result.pairs.map((p) => [p.laureateId, p.partnerId])).toEqual([
      ['l1', 'p2'],
      ['l2', 'p1'],
    ]);
    expect(result.totalScore).toBe(2);
  });

  it('matches every laureate capacity allows before maximising the score', () => {
    const result = computeMatching({
      laureates: [
        { id: 'l1', needs: ['a'] },
        { id: 'l2', needs: [] },
      ],
      partners: [
        { id: 'p1', expertise: ['a'], themes: [], capacity: 1 },
        { id: 'p2', expertise: [], themes: [], capacity: 1 },
      ],
      weights: { needOverlap: 10, themeMatch: 0, laureatePreference: 0, partnerPreference: -1 },
    });
    expect(result.pairs).toHaveLength(2);
    expect(result.unmatched).toEqual([]);
  });

  it('says why a laureate stays without a sponsor', () => {
    const result = computeMatching({
      laureates: [
        { id: 'l1', needs: ['a'] },
        { id: 'l2', needs: ['a'] },
        { id: 'l3', needs: [] },
      ],
      partners: [
        { id: 'p1', expertise: ['a'], themes: [], capacity: 1 },
        { id: 'p2', expertise: [], themes: [], capacity: 0 },
      ],
      forbidden: [{ laureateId: 'l3', partnerId: 'p1' }],
    });
    expect(result.pairs.map((p) => p.laureateId)).toEqual(['l1']);
    expect(result.unmatched).toEqual([
      { laureateId: 'l2', sponsors: 0, missing: 1, reason: 'capacity_exhausted' },
      { laureateId: 'l3', sponsors: 0, missing: 1, reason: 'no_eligible_partner' },
    ]);
    expect(result.loads).toEqual([
      { partnerId: 'p1', capacity: 1, load: 1, locked: 0 },
      { partnerId: 'p2', capacity: 0, load: 0, locked: 0 },
    ]);
  });

  it('keeps locked pairs even when they lower the total, and flags them', () => {
    const result = computeMatching({
      laureates: [
        { id: 'l1', needs: ['a'] },
        { id: 'l2', needs: ['b'] },
      ],
      partners: [
        { id: 'p1', expertise: ['a'], themes: [], capacity: 1 },
        { id: 'p2', expertise: ['b'], themes: [], capacity: 1 },
      ],
      locked: [{ laureateId: 'l1', partnerId: 'p2' }],
    });
    expect(result.pairs.map((p) => [p.laureateId, p.partnerId, p.locked])).toEqual([
      ['l1', 'p2', true],
      ['l2', 'p1', false],
    ]);
  });

  it('refuses locks that exceed a capacity, conflict with a forbidden pair, exceed sponsorsPerLaureate or name strangers', () => {
    const laureates = [
      { id: 'l1', needs: [] },
      { id: 'l2', needs: [] },
    ];
    const partners = [
      { id: 'p1', expertise: [], themes: [], capacity: 1 },
      { id: 'p2', expertise: [], themes: [], capacity: 2 },
    ];
    const code = (input: Partial<MatchingInput>) => {
      try {
        computeMatching({ laureates, partners, ...input });
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return (e as DomainError).code;
      }
      return 'none';
    };
    expect(
      code({
        locked: [
          { laureateId: 'l1', partnerId: 'p1' },
          { laureateId: 'l2', partnerId: 'p1' },
        ],
      }),
    ).toBe('MATCHING_LOCKS_EXCEED_CAPACITY');
    expect(code({ locked: [{ laureateId: 'l1', partnerId: 'p1' }], forbidden: [{ laureateId: 'l1', partnerId: 'p1' }] })).toBe('MATCHING_LOCK_FORBIDDEN');
    expect(
      code({
        locked: [
          { laureateId: 'l1', partnerId: 'p1' },
          { laureateId: 'l1', partnerId: 'p2' },
        ],
      }),
    ).toBe('MATCHING_LOCKS_EXCEED_SPONSORS_PER_LAUREATE');
    expect(
      code({
        locked: [
          { laureateId: 'l1', partnerId: 'p1' },
          { laureateId: 'l1', partnerId: 'p2' },
        ],
        sponsorsPerLaureate: 2,
      }),
    ).toBe('none');
    expect(code({ locked: [{ laureateId: 'l9', partnerId: 'p1' }] })).toBe('MATCHING_LOCK_UNKNOWN');
    expect(code({ laureates: [...laureates, { id: 'l1', needs: [] }] })).toBe('MATCHING_DUPLICATE_ID');
    expect(code({ partners: [{ id: 'p1', expertise: [], themes: [], capacity: -1 }] })).toBe('MATCHING_INVALID_CAPACITY');
    expect(code({ sponsorsPerLaureate: 0 })).toBe('MATCHING_INVALID_SPONSORS_PER_LAUREATE');
    expect(code({ weights: { ...DEFAULT_WEIGHTS, themeMatch: Number.NaN } })).toBe('MATCHING_INVALID_WEIGHT');
  });

  it('gives a laureate several sponsors when asked', () => {
    const result = computeMatching({
      laureates: [
        { id: 'l1', needs: ['a', 'b'] },
        { id: 'l2', needs: ['a'] },
      ],
      partners: [
        { id: 'p1', expertise: ['a'], themes: [], capacity: 2 },
        { id: 'p2', expertise: ['b'], themes: [], capacity: 1 },
      ],
      sponsorsPerLaureate: 2,
    });
    expect(result.pairs.map((p) => `${p.laureateId}-${p.partnerId}`)).toEqual(['l1-p1', 'l1-p2', 'l2-p1']);
    // p2 could sponsor l2 too, but its one place does more for l1.
    expect(result.unmatched).toEqual([{ laureateId: 'l2', sponsors: 1, missing: 1, reason: 'capacity_exhausted' }]);
  });

  it('handles a full-size round (500 laureates, 100 partners)', () => {
    const tags = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const pickFrom = <T>(arr: readonly T[], n: number, seed: number) => shuffled(arr, seed).slice(0, n);
    const partners = Array.from({ length: 100 }, (_, j) => ({
      id: `p${String(j).padStart(3, '0')}`,
      expertise: pickFrom(tags, 5, j),
      themes: pickFrom(THEMES, 1, j + 7),
      capacity: 5 + (j % 6),
    }));
    const laureates = Array.from({ length: 500 }, (_, i) => ({
      id: `l${String(i).padStart(3, '0')}`,
      needs: pickFrom(tags, 4, 1000 + i),
      theme: THEMES[i % 3],
      preferences: pickFrom(
        partners.map((p) => p.id),
        3,
        5000 + i,
      ),
    }));
    const input = { laureates, partners };
    const result = computeMatching(input);
    checkInvariants(input, result);
    expect(result.pairs).toHaveLength(500);
    expect(computeMatching({ laureates: shuffled(laureates, 1), partners: shuffled(partners, 2) })).toEqual(result);
  });

  describe('properties', () => {
    it('respects capacities, locks, forbidden pairs and sponsorsPerLaureate, and reaches the brute-force optimum', () => {
      fc.assert(
        fc.property(roundArb({ maxLaureates: 6, maxPartners: 4, maxPerLaureate: 1 }), (input) => {
          const result = computeMatching(input);
          checkInvariants(input, result);
          const best = bruteForce(input);
          expect(result.pairs.length).toBe(best.count);
          expect(Math.round(result.totalScore * 1000)).toBe(best.total);
        }),
        { numRuns: 300 },
      );
    });

    it('reaches the brute-force optimum with several sponsors per laureate', () => {
      fc.assert(
        fc.property(roundArb({ maxLaureates: 4, maxPartners: 4, maxPerLaureate: 3 }), (input) => {
          const result = computeMatching(input);
          checkInvariants(input, result);
          const best = bruteForce(input);
          expect(result.pairs.length).toBe(best.count);
          expect(Math.round(result.totalScore * 1000)).toBe(best.total);
        }),
        { numRuns: 200 },
      );
    });

    it('matches as many laureates as possible, then scores best, on larger rounds (against a reference)', () => {
      fc.assert(
        fc.property(roundArb({ maxLaureates: 20, maxPartners: 6, maxPerLaureate: 2 }), (input) => {
          const result = computeMatching(input);
          checkInvariants(input, result);
          const best = referenceOptimum(input);
          expect(result.pairs.length).toBe(best.count);
          expect(Math.round(result.totalScore * 1000)).toBe(best.total);
        }),
        { numRuns: 100 },
      );
    });

    it('is deterministic: same input, or the same input in another order, gives the same result', () => {
      fc.assert(
        fc.property(roundArb({ maxLaureates: 12, maxPartners: 5, maxPerLaureate: 2 }), fc.integer(), fc.boolean(), (input, seed, flat) => {
          // Flat weights make every pair tie: the hardest case for determinism.
          const round = flat ? { ...input, weights: { needOverlap: 0, themeMatch: 0, laureatePreference: 0, partnerPreference: 0 } } : input;
          const result = computeMatching(round);
          expect(computeMatching(round)).toEqual(result);
          const permuted: MatchingInput = {
            ...round,
            laureates: shuffled(round.laureates, seed).map((l) => ({ ...l, needs: shuffled(l.needs, seed + 1) })),
            partners: shuffled(round.partners, seed + 2).map((p) => ({
              ...p,
              expertise: shuffled(p.expertise, seed + 3),
              themes: shuffled(p.themes, seed + 4),
            })),
            locked: shuffled(round.locked ?? [], seed + 5),
            forbidden: shuffled(round.forbidden ?? [], seed + 6),
          };
          expect(computeMatching(permuted)).toEqual(result);
        }),
        { numRuns: 200 },
      );
    });
  });
});
