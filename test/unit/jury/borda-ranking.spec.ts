import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { aggregateBorda, type RankingBallot } from '../../../src/jury/domain/methods/borda-ranking.js';
import { isConflicted, panelArb, shuffle, type PanelShape } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

const rankingCase = fc.tuple(panelArb(10, 7), fc.integer()).chain(([panel, seed]) =>
  fc.tuple(
    fc.constant(panel),
    fc
      .tuple(
        ...panel.jurors.map((j) =>
          fc
            .option(fc.shuffledSubarray(panel.applicationIds), { nil: undefined })
            .map((ranking): RankingBallot | undefined => (ranking ? { jurorId: j.id, ranking } : undefined)),
        ),
      )
      .map((bs) => bs.filter((b): b is RankingBallot => b !== undefined)),
    fc.constant(seed),
  ),
);

const strip = (panel: PanelShape, ballots: RankingBallot[]) =>
  ballots.map((b) => ({ ...b, ranking: b.ranking.filter((a) => !isConflicted(panel, b.jurorId, a)) }));

describe('ranking (Borda count)', () => {
  it('m-1-i points for position i of m, times the juror weight; unranked applications get 0', () => {
    const result = aggregateBorda({
      applicationIds: ['a1', 'a2', 'a3', 'a4'],
      jurors: [
        { id: 'j1', weight: 1 },
        { id: 'j2', weight: 2 },
      ],
      ballots: [
        { jurorId: 'j1', ranking: ['a1', 'a2', 'a3'] },
        { jurorId: 'j2', ranking: ['a3', 'a1'] },
      ],
    });
    // a1: 2 + 2×0 = 2; a2: 1; a3: 0 + 2×1 = 2; a4: nobody ranked it
    expect(result.scores.map((s) => [s.applicationId, s.score, s.jurorCount])).toEqual([
      ['a1', 2, 2],
      ['a2', 1, 1],
      ['a3', 2, 2],
      ['a4', 0, 0],
    ]);
    expect(result.scores[0].contributions).toEqual([
      { jurorId: 'j1', weight: 1, value: 2, figures: { position: 1, of: 3 } },
      { jurorId: 'j2', weight: 2, value: 0, figures: { position: 2, of: 2 } },
    ]);
    expect(say(result.scores[0].explanation)).toContain('total 2');
  });

  it("a conflicted application is taken out of the juror's ranking before points are given", () => {
    const result = aggregateBorda({
      applicationIds: ['a1', 'a2', 'a3'],
      jurors: [{ id: 'j1', weight: 1 }],
      conflicts: [{ jurorId: 'j1', applicationId: 'a1' }],
      ballots: [{ jurorId: 'j1', ranking: ['a1', 'a2', 'a3'] }],
    });
    expect(result.scores.map((s) => s.score)).toEqual([0, 1, 0]);
    expect(result.scores[0].jurorCount).toBe(0);
    expect(result.ignored).toEqual([{ jurorId: 'j1', applicationId: 'a1', reason: 'conflict' }]);
  });

  it('refuses an application ranked twice and two ballots from one juror', () => {
    const base = { applicationIds: ['a1', 'a2'], jurors: [{ id: 'j1', weight: 1 }] };
    expect(() => aggregateBorda({ ...base, ballots: [{ jurorId: 'j1', ranking: ['a1', 'a1'] }] })).toThrow('BALLOT_DUPLICATE_RANK');
    expect(() =>
      aggregateBorda({
        ...base,
        ballots: [
          { jurorId: 'j1', ranking: ['a1'] },
          { jurorId: 'j1', ranking: ['a2'] },
        ],
      }),
    ).toThrow('BALLOT_DUPLICATE');
  });

  it('property: the order of jurors and ballots changes nothing', () => {
    fc.assert(
      fc.property(rankingCase, ([panel, ballots, seed]) => {
        const result = aggregateBorda({ ...panel, ballots });
        const shuffled = aggregateBorda({
          ...panel,
          jurors: shuffle(panel.jurors, seed),
          ballots: shuffle(ballots, seed + 1),
          conflicts: shuffle(panel.conflicts, seed + 2),
        });
        expect(shuffled).toEqual(result);
      }),
    );
  });

  it('property: a conflicted juror never counts, even when they ranked the application', () => {
    fc.assert(
      fc.property(rankingCase, ([panel, ballots]) => {
        const result = aggregateBorda({ ...panel, ballots });
        expect(result.scores).toEqual(aggregateBorda({ ...panel, ballots: strip(panel, ballots) }).scores);
        for (const s of result.scores) for (const c of s.contributions) expect(isConflicted(panel, c.jurorId, s.applicationId)).toBe(false);
      }),
    );
  });

  it('property: with equal weights and full rankings, total points are jurors × m(m-1)/2', () => {
    fc.assert(
      fc.property(rankingCase, ([panel, ballots]) => {
        const jurors = panel.jurors.map((j) => ({ ...j, weight: 1 }));
        const full = ballots.map((b) => ({ ...b, ranking: shuffle(panel.applicationIds, b.ranking.length) }));
        const total = aggregateBorda({ applicationIds: panel.applicationIds, jurors, ballots: full }).scores.reduce((s, x) => s + x.score, 0);
        const m = panel.applicationIds.length;
        expect(total).toBe((full.length * (m * (m - 1))) / 2);
      }),
    );
  });
});
