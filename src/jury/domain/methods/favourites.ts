import { juryError } from '../errors.js';
import {
  explain,
  rounded,
  indexPanel,
  isCount,
  sortIgnored,
  type ApplicationId,
  type ApplicationScore,
  type Contribution,
  type IgnoredBallot,
  type JurorId,
  type MethodResult,
  type Panel,
} from '../panel.js';

/** One juror's favourites ("coups de coeur"), in no particular order. */
export interface FavouritesBallot {
  readonly jurorId: JurorId;
  readonly applicationIds: readonly ApplicationId[];
}

export interface FavouritesInput extends Panel {
  readonly ballots: readonly FavouritesBallot[];
  /** Most favourites a juror may pick (10 in the reference call). */
  readonly maxFavourites: number;
}

/**
 * Favourites: an application's score is the weighted number of jurors who picked it. Every eligible
 * application is scored (0 when nobody picked it): not being picked is itself the jury's answer.
 */
export function aggregateFavourites(input: FavouritesInput): MethodResult<'favourites'> {
  const max = input.maxFavourites;
  if (!isCount(max, 1)) throw juryError('FAVOURITES_MAX_INVALID', { max });
  const panel = indexPanel(input);
  const byJuror = new Map<JurorId, readonly ApplicationId[]>();
  for (const b of input.ballots) {
    if (byJuror.has(b.jurorId)) throw juryError('BALLOT_DUPLICATE', { jurorId: b.jurorId });
    // Checked on the ballot as cast, before any pick is set aside: the rule is about what the juror did.
    if (b.applicationIds.length > max) {
      throw juryError('BALLOT_TOO_MANY_FAVOURITES', { max, jurorId: b.jurorId, count: b.applicationIds.length });
    }
    if (new Set(b.applicationIds).size !== b.applicationIds.length) {
      throw juryError('BALLOT_DUPLICATE_FAVOURITE', { jurorId: b.jurorId });
    }
    byJuror.set(b.jurorId, b.applicationIds);
  }

  const nApps = panel.applicationIds.length;
  const weighted = new Float64Array(nApps);
  const contributions: Contribution[][] = panel.applicationIds.map(() => []);
  const ignored: IgnoredBallot[] = [];
  for (const [jurorId, picks] of byJuror) {
    if (!panel.jurorIndex.has(jurorId)) {
      for (const a of picks) ignored.push({ jurorId, applicationId: a, reason: 'unknown_juror' });
    }
  }
  // Juror id order, so weighted sums are added in the same order whatever order ballots came in.
  for (const juror of panel.jurors) {
    const picks = byJuror.get(juror.id);
    if (!picks) continue;
    for (const applicationId of picks) {
      const reason = panel.screen(juror.id, applicationId);
      if (reason) {
        ignored.push({ jurorId: juror.id, applicationId, reason });
        continue;
      }
      const a = panel.applicationIndex.get(applicationId)!;
      weighted[a] += juror.weight;
      contributions[a].push({ jurorId: juror.id, weight: juror.weight, value: 1 });
    }
  }

  const scores: ApplicationScore[] = panel.applicationIds.map((applicationId, a) => {
    const picks = contributions[a].length;
    const score = weighted[a];
    return {
      applicationId,
      score,
      jurorCount: picks,
      contributions: contributions[a],
      explanation: explain('FAVOURITES', { picks, score }, 'favourites', { picks, score: rounded(score) }),
    };
  });
  return { method: 'favourites', scores, unranked: [], ignored: sortIgnored(ignored) };
}
