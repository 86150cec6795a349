import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { aggregateFavourites, type FavouritesBallot } from '../../../src/jury/domain/methods/favourites.js';
import { candidatesFrom, selectLaureates } from '../../../src/jury/domain/selection.js';
import { ids, isConflicted, panelArb, shuffle, type PanelShape } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

const favouritesCase = (max: number) =>
  fc.tuple(panelArb(12, 7), fc.integer()).chain(([panel, seed]) =>
    fc.tuple(
      fc.constant(panel),
      fc
        .tuple(
          ...panel.jurors.map((j) =>
            fc
              .option(fc.shuffledSubarray(panel.applicationIds, { maxLength: Math.min(max, panel.applicationIds.length) }), { nil: undefined })
              .map((picks): FavouritesBallot | undefined => (picks ? { jurorId: j.id, applicationIds: picks } : undefined)),
          ),
        )
        .map((bs) => bs.filter((b): b is FavouritesBallot => b !== undefined)),
      fc.constant(seed),
    ),
  );

const strip = (panel: PanelShape, ballots: FavouritesBallot[]) =>
  ballots.map((b) => ({ ...b, applicationIds: b.applicationIds.filter((a) => !isConflicted(panel, b.jurorId, a)) }));

/** Ballots giving each application the wanted number of picks, spread so every juror picks at most `max`. */
function ballotsFor(jurorIds: string[], wanted: Record<string, number>): FavouritesBallot[] {
  const picks = new Map(jurorIds.map((j) => [j, [] as string[]]));
  for (const [applicationId, n] of Object.entries(wanted)) {
    const byLoad = [...jurorIds].sort((x, y) => picks.get(x)!.length - picks.get(y)!.length || (x < y ? -1 : 1));
    for (const j of byLoad.slice(0, n)) picks.get(j)!.push(applicationId);
  }
  return jurorIds.map((jurorId) => ({ jurorId, applicationIds: picks.get(jurorId)! }));
}

describe('favourites ("coups de coeur")', () => {
  it('the reference call: 10 jurors pick 10 favourites each among 40 applications; the top 10 are laureates', () => {
    const applicationIds = ids('a', 40);
    const jurorIds = [
      'authority',
      'retailer',
      'makerspace',
      'university-1',
      'university-2',
      'business-network',
      'maker-fair',
      'cultural-venue',
      'bank',
      'press',
    ];
    const wanted: Record<string, number> = { a001: 10, a002: 10, a003: 9, a004: 9, a005: 8, a006: 8, a007: 7, a008: 7, a009: 6, a010: 6 };
    for (const a of applicationIds.slice(10, 30)) wanted[a] = 1;
    const ballots = ballotsFor(jurorIds, wanted);
    expect(ballots.every((b) => b.applicationIds.length === 10)).toBe(true);
    // The authority's own staff declared a conflict on a001: its pick must not count.
    const result = aggregateFavourites({
      applicationIds,
      jurors: jurorIds.map((id) => ({ id, weight: 1 })),
      ballots,
      maxFavourites: 10,
      conflicts: [{ jurorId: 'authority', applicationId: 'a001' }],
    });
    expect(result.scores.find((s) => s.applicationId === 'a001')).toMatchObject({ score: 9, jurorCount: 9 });
    expect(result.ignored).toEqual([{ jurorId: 'authority', applicationId: 'a001', reason: 'conflict' }]);

    // Later ids were submitted earlier (epoch milliseconds), so the tie-breaker visibly overrides id order.
    const submittedAt = Object.fromEntries(applicationIds.map((a, i) => [a, { submittedAt: Date.UTC(2026, 2, 31) - i * 3_600_000 }]));
    const selection = selectLaureates(candidatesFrom(result, { keys: submittedAt }), {
      laureates: 10,
      waitingList: 3,
      tieBreakers: [{ key: 'submittedAt', prefer: 'lower' }],
    });
    expect(selection.laureates).toEqual(['a002', 'a004', 'a003', 'a001', 'a006', 'a005', 'a008', 'a007', 'a010', 'a009']);
    // a001 (9 after the conflict) ties a003 and a004 on score; earlier submission decides.
    const a001 = selection.entries.find((e) => e.applicationId === 'a001')!;
    expect(a001).toMatchObject({ rank: 2, position: 4, tied: true, status: 'laureate', reason: 'rank' });
    expect(say(a001.explanation)).toContain('“a003” ahead of “a001” by submission time');
    expect(a001.tieSize).toBe(3);
    expect(say(a001.explanation)).toContain('Tied on score with “a004” and “a003”;');
    // The next 20 each got 1 pick: all tied; the waiting list goes to the earliest submitted.
    expect(selection.waitingList).toEqual(['a030', 'a029', 'a028']);
    expect(selection.entries.find((e) => e.applicationId === 'a030')).toMatchObject({ rank: 11, tied: true, status: 'waiting_list', waitingListPosition: 1 });
    expect(selection.boundaryTies.map((b) => b.boundary)).toEqual(['waiting_list']);
    expect(selection.entries.find((e) => e.applicationId === 'a040')).toMatchObject({ score: 0, status: 'not_selected' });
  });

  it('refuses a ballot with more favourites than allowed', () => {
    const run = () =>
      aggregateFavourites({
        applicationIds: ['a1', 'a2', 'a3'],
        jurors: [{ id: 'j1', weight: 1 }],
        maxFavourites: 2,
        ballots: [{ jurorId: 'j1', applicationIds: ['a1', 'a2', 'a3'] }],
      });
    expect(run).toThrow(DomainError);
    expect(run).toThrow('BALLOT_TOO_MANY_FAVOURITES');
    try {
      run();
    } catch (e) {
      expect((e as DomainError).details).toMatchObject({ max: 2, jurorId: 'j1', count: 3 });
    }
  });

  it('refuses the same favourite twice and two ballots from one juror', () => {
    const base = { applicationIds: ['a1', 'a2'], jurors: [{ id: 'j1', weight: 1 }], maxFavourites: 3 };
    expect(() => aggregateFavourites({ ...base, ballots: [{ jurorId: 'j1', applicationIds: ['a1', 'a1'] }] })).toThrow('BALLOT_DUPLICATE_FAVOURITE');
    expect(() =>
      aggregateFavourites({
        ...base,
        ballots: [
          { jurorId: 'j1', applicationIds: ['a1'] },
          { jurorId: 'j1', applicationIds: ['a2'] },
        ],
      }),
    ).toThrow('BALLOT_DUPLICATE');
  });

  it('weights: a juror of weight 2 counts twice', () => {
    const result = aggregateFavourites({
      applicationIds: ['a1', 'a2'],
      jurors: [
        { id: 'j1', weight: 2 },
        { id: 'j2', weight: 1 },
      ],
      maxFavourites: 1,
      ballots: [
        { jurorId: 'j1', applicationIds: ['a1'] },
        { jurorId: 'j2', applicationIds: ['a2'] },
      ],
    });
    expect(result.scores.map((s) => [s.applicationId, s.score, s.jurorCount])).toEqual([
      ['a1', 2, 1],
      ['a2', 1, 1],
    ]);
  });

  it('property: the order of jurors and ballots changes nothing', () => {
    fc.assert(
      fc.property(favouritesCase(4), ([panel, ballots, seed]) => {
        const result = aggregateFavourites({ ...panel, ballots, maxFavourites: 4 });
        const shuffled = aggregateFavourites({
          ...panel,
          maxFavourites: 4,
          jurors: shuffle(panel.jurors, seed),
          ballots: shuffle(ballots, seed + 1).map((b, i) => ({ ...b, applicationIds: shuffle(b.applicationIds, seed + i) })),
        });
        expect(shuffled).toEqual(result);
      }),
    );
  });

  it('property: a conflicted juror never counts, even when they picked the application', () => {
    fc.assert(
      fc.property(favouritesCase(4), ([panel, ballots]) => {
        const result = aggregateFavourites({ ...panel, ballots, maxFavourites: 4 });
        const clean = aggregateFavourites({ ...panel, ballots: strip(panel, ballots), maxFavourites: 4 });
        expect(result.scores).toEqual(clean.scores);
        for (const s of result.scores) for (const c of s.contributions) expect(isConflicted(panel, c.jurorId, s.applicationId)).toBe(false);
      }),
    );
  });
});
