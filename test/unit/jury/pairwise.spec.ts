import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { aggregatePairwise, nextPair, type Comparison } from '../../../src/jury/domain/methods/pairwise.js';
import { ids, isConflicted, panelArb, shuffle, type PanelShape } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

const allPairs = (xs: readonly string[]) => xs.flatMap((a, i) => xs.slice(i + 1).map((b) => [a, b] as const));

/** Every juror compares every pair; the lower id wins, except for jurors listed as contrarians. */
function roundRobin(applicationIds: string[], jurorIds: string[], contrarians: string[] = []): Comparison[] {
  return jurorIds.flatMap((jurorId) =>
    allPairs(applicationIds).map(([a, b]) => (contrarians.includes(jurorId) ? { jurorId, winnerId: b, loserId: a } : { jurorId, winnerId: a, loserId: b })),
  );
}

const comparisonCase = fc.tuple(panelArb(7, 5), fc.integer()).chain(([panel, seed]) => {
  const pairs = allPairs(panel.applicationIds);
  return fc.tuple(
    fc.constant(panel),
    fc
      .tuple(
        ...panel.jurors.map((j) =>
          fc
            .subarray(pairs)
            .chain((chosen) =>
              fc.tuple(
                ...chosen.map(([a, b]) =>
                  fc.boolean().map((flip): Comparison => (flip ? { jurorId: j.id, winnerId: b, loserId: a } : { jurorId: j.id, winnerId: a, loserId: b })),
                ),
              ),
            ),
        ),
      )
      .map((lists) => lists.flat()),
    fc.constant(seed),
  );
});

const strip = (panel: PanelShape, comparisons: Comparison[]) =>
  comparisons.filter((c) => !isConflicted(panel, c.jurorId, c.winnerId) && !isConflicted(panel, c.jurorId, c.loserId));

describe('pairwise comparison (Bradley–Terry with juror reliability)', () => {
  it('recovers the order of consistent comparisons, with high reliabilities', () => {
    const applicationIds = ids('a', 6);
    const jurors = ids('j', 4).map((id) => ({ id, weight: 1 }));
    const result = aggregatePairwise({
      applicationIds,
      jurors,
      comparisons: roundRobin(
        applicationIds,
        jurors.map((j) => j.id),
      ),
    });
    expect(result.converged).toBe(true);
    const scores = result.scores.map((s) => s.score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
    expect(scores.every(Number.isFinite)).toBe(true);
    expect(result.reliability.every((r) => r.reliability > 0.8 && r.agreement === 1)).toBe(true);
    expect(say(result.scores[0].explanation)).toMatch(/^Won 20 and lost 0 comparisons by 4 juror/);
  });

  it('a contrarian juror is found unreliable and does not overturn the order', () => {
    const applicationIds = ids('a', 6);
    const jurors = ids('j', 6).map((id) => ({ id, weight: 1 }));
    const result = aggregatePairwise({
      applicationIds,
      jurors,
      comparisons: roundRobin(
        applicationIds,
        jurors.map((j) => j.id),
        ['j006'],
      ),
    });
    const contrarian = result.reliability.find((r) => r.jurorId === 'j006')!;
    expect(contrarian.reliability).toBe(0.5);
    expect(contrarian.agreement).toBe(0);
    for (const r of result.reliability.filter((x) => x.jurorId !== 'j006')) expect(r.reliability).toBeGreaterThan(0.8);
    const scores = result.scores.map((s) => s.score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
  });

  it('stays defined for an application that won everything, and leaves one never compared unranked', () => {
    const result = aggregatePairwise({
      applicationIds: ['a1', 'a2', 'a3'],
      jurors: [{ id: 'j1', weight: 1 }],
      comparisons: [{ jurorId: 'j1', winnerId: 'a1', loserId: 'a2' }],
    });
    expect(result.scores.map((s) => s.applicationId)).toEqual(['a1', 'a2']);
    expect(result.scores[0].score).toBeGreaterThan(0);
    expect(result.scores[1].score).toBeCloseTo(-result.scores[0].score, 6);
    expect(result.unranked).toMatchObject([{ applicationId: 'a3', reason: 'below_quorum', jurorCount: 0 }]);
  });

  it('refuses a comparison of an application with itself, and the same pair twice by one juror', () => {
    const base = { applicationIds: ['a1', 'a2'], jurors: [{ id: 'j1', weight: 1 }] };
    expect(() => aggregatePairwise({ ...base, comparisons: [{ jurorId: 'j1', winnerId: 'a1', loserId: 'a1' }] })).toThrow('BALLOT_INVALID_COMPARISON');
    expect(() =>
      aggregatePairwise({
        ...base,
        comparisons: [
          { jurorId: 'j1', winnerId: 'a1', loserId: 'a2' },
          { jurorId: 'j1', winnerId: 'a2', loserId: 'a1' },
        ],
      }),
    ).toThrow('BALLOT_DUPLICATE');
  });

  it('property: the order of jurors and comparisons changes nothing', () => {
    fc.assert(
      fc.property(comparisonCase, ([panel, comparisons, seed]) => {
        const result = aggregatePairwise({ ...panel, comparisons });
        const shuffled = aggregatePairwise({ ...panel, jurors: shuffle(panel.jurors, seed), comparisons: shuffle(comparisons, seed + 1) });
        expect(shuffled).toEqual(result);
        expect(result.scores.every((s) => Number.isFinite(s.score))).toBe(true);
        expect(result.reliability.every((r) => r.reliability >= 0.5 && r.reliability < 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('property: the fit is the EM fixed point (one more plain EM step from it moves nothing)', () => {
    // Checked from the result alone, so it holds whatever acceleration the fit uses.
    fc.assert(
      fc.property(comparisonCase, ([panel, comparisons]) => {
        const result = aggregatePairwise({ ...panel, comparisons, options: { tolerance: 1e-12, maxIterations: 20_000 } });
        fc.pre(result.converged);
        const kept = strip(panel, comparisons);
        const logPi = new Map(result.scores.map((s) => [s.applicationId, s.score]));
        for (const a of panel.applicationIds) if (!logPi.has(a)) logPi.set(a, 0);
        const eta = new Map(result.reliability.map((r) => [r.jurorId, r.reliability]));
        const weight = new Map(panel.jurors.map((j) => [j.id, j.weight]));
        const pi = (a: string) => Math.exp(logPi.get(a)!);
        const num = new Map(panel.applicationIds.map((a) => [a, 1 / (pi(a) + 1)]));
        const den = new Map(num);
        const agreeing = new Map<string, number>();
        for (const c of kept) {
          const [pw, pl] = [pi(c.winnerId), pi(c.loserId)];
          const p = pw / (pw + pl);
          const e = eta.get(c.jurorId)!;
          const r = (e * p) / (e * p + (1 - e) * (1 - p));
          agreeing.set(c.jurorId, (agreeing.get(c.jurorId) ?? 0) + r);
          const t = weight.get(c.jurorId)! / (pw + pl);
          num.set(c.winnerId, num.get(c.winnerId)! + t * r * pl);
          den.set(c.winnerId, den.get(c.winnerId)! + t * (1 - r));
          num.set(c.loserId, num.get(c.loserId)! + t * (1 - r) * pw);
          den.set(c.loserId, den.get(c.loserId)! + t * r);
        }
        for (const s of result.scores) expect(Math.abs(Math.log(num.get(s.applicationId)! / den.get(s.applicationId)!) - s.score)).toBeLessThan(1e-8);
        for (const r of result.reliability) {
          const next = Math.max(0.5, ((agreeing.get(r.jurorId) ?? 0) + 4) / (r.comparisons + 5));
          expect(Math.abs(next - r.reliability)).toBeLessThan(1e-8);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('property: a comparison by a juror with a conflict on either application never counts', () => {
    fc.assert(
      fc.property(comparisonCase, ([panel, comparisons]) => {
        const result = aggregatePairwise({ ...panel, comparisons });
        const clean = aggregatePairwise({ ...panel, comparisons: strip(panel, comparisons) });
        expect(result.scores).toEqual(clean.scores);
        expect(result.reliability).toEqual(clean.reliability);
        for (const s of result.scores) for (const c of s.contributions) expect(isConflicted(panel, c.jurorId, s.applicationId)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('next pair to show a juror', () => {
  it('starts with the first pair in id order, then skips what the juror already compared', () => {
    const state = { jurorId: 'j1', assignedApplicationIds: ['a3', 'a1', 'a2'], comparisons: [] as Comparison[] };
    expect(nextPair(state)).toMatchObject({ first: 'a1', second: 'a2', predictedFirstWins: 0.5 });
    const after = nextPair({ ...state, comparisons: [{ jurorId: 'j1', winnerId: 'a2', loserId: 'a1' }] })!;
    // a3 has never been compared: the pairs with it teach more.
    expect([after.first, after.second]).toEqual(['a1', 'a3']);
    expect(nextPair({ ...state, comparisons: allPairs(['a1', 'a2', 'a3']).map(([a, b]) => ({ jurorId: 'j1', winnerId: a, loserId: b })) })).toBeNull();
  });

  it('never shows an application the juror has a conflict with or is not assigned', () => {
    const proposal = nextPair({
      jurorId: 'j1',
      assignedApplicationIds: ['a1', 'a2', 'a3'],
      conflicts: [{ jurorId: 'j1', applicationId: 'a1' }],
      comparisons: [],
    });
    expect([proposal!.first, proposal!.second]).toEqual(['a2', 'a3']);
    expect(nextPair({ jurorId: 'j1', assignedApplicationIds: ['a1', 'a2'], conflicts: [{ jurorId: 'j1', applicationId: 'a1' }], comparisons: [] })).toBeNull();
  });

  it('prefers the pair whose outcome is closest to 50/50', () => {
    const proposal = nextPair({
      jurorId: 'j1',
      assignedApplicationIds: ['a1', 'a2', 'a3'],
      comparisons: [],
      scores: [
        { applicationId: 'a1', score: 3 },
        { applicationId: 'a2', score: 0.1 },
        { applicationId: 'a3', score: 0 },
      ],
    })!;
    expect([proposal.first, proposal.second]).toEqual(['a2', 'a3']);
    expect(say(proposal.explanation)).toContain('least certain');
  });

  it('property: a valid pair, null only when none is left, the same whatever the order of comparisons', () => {
    fc.assert(
      fc.property(comparisonCase, fc.integer({ min: 0, max: 4 }), ([panel, comparisons, seed], who) => {
        const juror = panel.jurors[who % panel.jurors.length].id;
        const assigned = panel.applicationIds.filter((_, i) => (i + who) % 4 !== 0);
        const state = { jurorId: juror, assignedApplicationIds: assigned, conflicts: panel.conflicts, comparisons };
        const proposal = nextPair(state);
        const compared = new Set(comparisons.filter((c) => c.jurorId === juror).map((c) => [c.winnerId, c.loserId].sort().join('|')));
        const open = allPairs(assigned).filter(([a, b]) => !compared.has(`${a}|${b}`) && !isConflicted(panel, juror, a) && !isConflicted(panel, juror, b));
        if (open.length === 0) expect(proposal).toBeNull();
        else expect(open.map((p) => p.join('|'))).toContain(`${proposal!.first}|${proposal!.second}`);
        expect(nextPair({ ...state, comparisons: shuffle(comparisons, seed) })).toEqual(proposal);
      }),
    );
  });
});
