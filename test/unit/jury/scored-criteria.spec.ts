import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { aggregateScoredCriteria, type Criterion, type ScoreBallot } from '../../../src/jury/domain/methods/scored-criteria.js';
import { isConflicted, panelArb, shuffle, type PanelShape } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

const criteria: Criterion[] = [
  { id: 'impact', weight: 2, min: 0, max: 10 },
  { id: 'feasibility', weight: 1, min: 0, max: 10 },
];
const ballot = (jurorId: string, applicationId: string, impact: number, feasibility: number): ScoreBallot => ({
  jurorId,
  applicationId,
  scores: { impact, feasibility },
});

/** Every juror without a conflict scores some applications; conflicted ballots are added too (they must not count). */
const scoredCase = fc.tuple(panelArb(), fc.integer()).chain(([panel, seed]) => {
  const pairs = panel.jurors.flatMap((j) => panel.applicationIds.map((a) => [j.id, a] as const));
  return fc.tuple(
    fc.constant(panel),
    fc
      .tuple(
        ...pairs.map(([j, a]) =>
          fc
            .option(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })), { nil: undefined })
            .map((s) => (s ? ballot(j, a, s[0], s[1]) : undefined)),
        ),
      )
      .map((bs) => bs.filter((b): b is ScoreBallot => b !== undefined)),
    fc.constant(seed),
  );
});

const strip = (panel: PanelShape, ballots: ScoreBallot[]) => ballots.filter((b) => !isConflicted(panel, b.jurorId, b.applicationId));

describe('scored criteria', () => {
  it('weighted mean of criteria, then weighted mean over jurors', () => {
    const result = aggregateScoredCriteria({
      applicationIds: ['a1', 'a2'],
      jurors: [
        { id: 'j1', weight: 1 },
        { id: 'j2', weight: 3 },
      ],
      criteria,
      ballots: [ballot('j1', 'a1', 9, 6), ballot('j2', 'a1', 6, 3), ballot('j1', 'a2', 10, 10)],
    });
    // j1: (2×9 + 6)/3 = 8; j2: (2×6 + 3)/3 = 5; a1 = (1×8 + 3×5)/4 = 5.75
    expect(result.scores[0]).toMatchObject({ applicationId: 'a1', score: 5.75, jurorCount: 2 });
    expect(result.scores[0].contributions.map((c) => c.value)).toEqual([8, 5]);
    expect(say(result.scores[0].explanation)).toContain('23 / 4 = 5.75');
    expect(say(result.scores[0].explanation, 'fr')).toContain('5,75');
    expect(result.scores[1]).toMatchObject({ applicationId: 'a2', score: 10, jurorCount: 1 });
  });

  it('quorum: an application with too few scores is listed as unranked, with the reason', () => {
    const result = aggregateScoredCriteria({
      applicationIds: ['a1', 'a2', 'a3'],
      jurors: [
        { id: 'j1', weight: 1 },
        { id: 'j2', weight: 1 },
      ],
      criteria,
      quorum: 2,
      ballots: [ballot('j1', 'a1', 5, 5), ballot('j2', 'a1', 7, 7), ballot('j1', 'a2', 9, 9)],
    });
    expect(result.scores.map((s) => s.applicationId)).toEqual(['a1']);
    expect(result.unranked).toMatchObject([
      { applicationId: 'a2', reason: 'below_quorum', jurorCount: 1 },
      { applicationId: 'a3', reason: 'below_quorum', jurorCount: 0 },
    ]);
    expect(say(result.unranked[0].explanation)).toContain('at least 2');
  });

  it('z-score: a juror with one score, or always the same score, gets 0 rather than NaN', () => {
    const result = aggregateScoredCriteria({
      applicationIds: ['a1', 'a2'],
      jurors: [
        { id: 'solo', weight: 1 },
        { id: 'flat', weight: 1 },
        { id: 'keen', weight: 1 },
      ],
      criteria,
      normalisation: 'z_score',
      ballots: [ballot('solo', 'a1', 8, 8), ballot('flat', 'a1', 5, 5), ballot('flat', 'a2', 5, 5), ballot('keen', 'a1', 10, 10), ballot('keen', 'a2', 0, 0)],
    });
    expect(result.jurorScales).toEqual([
      { jurorId: 'flat', count: 2, mean: 5, standardDeviation: 0, degenerate: true },
      { jurorId: 'keen', count: 2, mean: 5, standardDeviation: 5, degenerate: false },
      { jurorId: 'solo', count: 1, mean: 8, standardDeviation: 0, degenerate: true },
    ]);
    expect(result.scores.map((s) => s.score)).toEqual([1 / 3, -1 / 2]);
    expect(result.scores.every((s) => Number.isFinite(s.score))).toBe(true);
  });

  it('z-score evens out a strict and a generous juror', () => {
    const result = aggregateScoredCriteria({
      applicationIds: ['a1', 'a2'],
      jurors: [
        { id: 'strict', weight: 1 },
        { id: 'generous', weight: 1 },
      ],
      criteria,
      normalisation: 'z_score',
      ballots: [ballot('strict', 'a1', 2, 2), ballot('strict', 'a2', 1, 1), ballot('generous', 'a1', 9, 9), ballot('generous', 'a2', 10, 10)],
    });
    expect(result.scores[0].score).toBeCloseTo(result.scores[1].score, 12);
  });

  it('refuses malformed ballots', () => {
    const base = { applicationIds: ['a1'], jurors: [{ id: 'j1', weight: 1 }], criteria };
    expect(() => aggregateScoredCriteria({ ...base, ballots: [ballot('j1', 'a1', 11, 0)] })).toThrow('BALLOT_SCORE_OUT_OF_SCALE');
    expect(() => aggregateScoredCriteria({ ...base, ballots: [{ jurorId: 'j1', applicationId: 'a1', scores: { impact: 1 } }] })).toThrow(
      'BALLOT_CRITERION_MISSING',
    );
    expect(() =>
      aggregateScoredCriteria({ ...base, ballots: [{ jurorId: 'j1', applicationId: 'a1', scores: { impact: 1, feasibility: 1, charm: 1 } }] }),
    ).toThrow('BALLOT_UNKNOWN_CRITERION');
    expect(() => aggregateScoredCriteria({ ...base, ballots: [ballot('j1', 'a1', 1, 1), ballot('j1', 'a1', 2, 2)] })).toThrow('BALLOT_DUPLICATE');
    expect(() => aggregateScoredCriteria({ ...base, ballots: [], quorum: 0 })).toThrow('QUORUM_INVALID');
    expect(() => aggregateScoredCriteria({ ...base, ballots: [], criteria: [] })).toThrow('CRITERIA_INVALID');
    expect(() => aggregateScoredCriteria({ ...base, jurors: [{ id: 'j1', weight: 0 }], ballots: [] })).toThrow('JUROR_WEIGHT_INVALID');
  });

  it('ignores ballots from unknown jurors, on unknown or unassigned applications, and says why', () => {
    const result = aggregateScoredCriteria({
      applicationIds: ['a1', 'a2'],
      jurors: [{ id: 'j1', weight: 1 }],
      criteria,
      assignments: [{ jurorId: 'j1', applicationId: 'a1' }],
      ballots: [ballot('j1', 'a1', 5, 5), ballot('j1', 'a2', 5, 5), ballot('j1', 'a9', 5, 5), ballot('jx', 'a1', 5, 5)],
    });
    expect(result.ignored.map((i) => `${i.jurorId}/${i.applicationId}:${i.reason}`)).toEqual([
      'j1/a2:not_assigned',
      'j1/a9:unknown_application',
      'jx/a1:unknown_juror',
    ]);
  });

  for (const normalisation of ['none', 'z_score'] as const) {
    it(`property (${normalisation}): the order of jurors and ballots changes nothing`, () => {
      fc.assert(
        fc.property(scoredCase, ([panel, ballots, seed]) => {
          const result = aggregateScoredCriteria({ ...panel, criteria, ballots, normalisation });
          const shuffled = aggregateScoredCriteria({
            ...panel,
            criteria,
            normalisation,
            jurors: shuffle(panel.jurors, seed),
            ballots: shuffle(ballots, seed + 1),
            applicationIds: shuffle(panel.applicationIds, seed + 2),
            conflicts: shuffle(panel.conflicts, seed + 3),
          });
          expect(shuffled).toEqual(result);
        }),
      );
    });

    it(`property (${normalisation}): a conflicted juror never counts, even with a ballot`, () => {
      fc.assert(
        fc.property(scoredCase, ([panel, ballots]) => {
          const result = aggregateScoredCriteria({ ...panel, criteria, ballots, normalisation });
          const clean = aggregateScoredCriteria({ ...panel, criteria, ballots: strip(panel, ballots), normalisation });
          expect(result.scores).toEqual(clean.scores);
          expect(result.unranked).toEqual(clean.unranked);
          expect(result.jurorScales).toEqual(clean.jurorScales);
          for (const s of result.scores) for (const c of s.contributions) expect(isConflicted(panel, c.jurorId, s.applicationId)).toBe(false);
          expect(result.ignored.filter((i) => i.reason === 'conflict')).toHaveLength(ballots.length - strip(panel, ballots).length);
        }),
      );
    });
  }

  it("property: z-score normalisation keeps the order of a single juror's scores", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })), { minLength: 1, maxLength: 15 }), (marks) => {
        const applicationIds = marks.map((_, i) => `a${String(i).padStart(2, '0')}`);
        const input = {
          applicationIds,
          jurors: [{ id: 'j1', weight: 2 }],
          criteria,
          ballots: marks.map(([x, y], i) => ballot('j1', applicationIds[i], x, y)),
        };
        const raw = aggregateScoredCriteria(input).scores.map((s) => s.score);
        const z = aggregateScoredCriteria({ ...input, normalisation: 'z_score' }).scores.map((s) => s.score);
        for (let i = 0; i < raw.length; i++) {
          expect(Number.isFinite(z[i])).toBe(true);
          for (let k = 0; k < raw.length; k++) expect(Math.sign(z[i] - z[k])).toBe(Math.sign(raw[i] - raw[k]));
        }
      }),
    );
  });
});
