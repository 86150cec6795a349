import { juryError } from '../errors.js';
import {
  explain,
  rounded,
  indexPanel,
  sortIgnored,
  type ApplicationId,
  type ApplicationScore,
  type Contribution,
  type IgnoredBallot,
  type JurorId,
  type MethodResult,
  type Panel,
} from '../panel.js';

/** One juror's ranking of (some of) their applications, best first. */
export interface RankingBallot {
  readonly jurorId: JurorId;
  readonly ranking: readonly ApplicationId[];
}

export interface BordaInput extends Panel {
  readonly ballots: readonly RankingBallot[];
}

/**
 * Borda count. Items a juror may not count for (conflict, not assigned, unknown) are taken out of their
 * ranking first; of the m items left, the one in position i (from 0) gets m-1-i points, times the
 * juror's weight. So a conflicted item neither scores nor pushes the others' points up.
 * Applications a juror left unranked get 0 from them.
 */
export function aggregateBorda(input: BordaInput): MethodResult<'borda'> {
  const panel = indexPanel(input);
  const byJuror = new Map<JurorId, readonly ApplicationId[]>();
  for (const b of input.ballots) {
    if (byJuror.has(b.jurorId)) throw juryError('BALLOT_DUPLICATE', { jurorId: b.jurorId });
    if (new Set(b.ranking).size !== b.ranking.length) throw juryError('BALLOT_DUPLICATE_RANK', { jurorId: b.jurorId });
    byJuror.set(b.jurorId, b.ranking);
  }

  const nApps = panel.applicationIds.length;
  const points = new Float64Array(nApps);
  const contributions: Contribution[][] = panel.applicationIds.map(() => []);
  const ignored: IgnoredBallot[] = [];
  for (const [jurorId, ranking] of byJuror) {
    if (!panel.jurorIndex.has(jurorId)) {
      for (const a of ranking) ignored.push({ jurorId, applicationId: a, reason: 'unknown_juror' });
    }
  }
  for (const juror of panel.jurors) {
    const ranking = byJuror.get(juror.id);
    if (!ranking) continue;
    const kept: number[] = [];
    for (const applicationId of ranking) {
      const reason = panel.screen(juror.id, applicationId);
      if (reason) ignored.push({ jurorId: juror.id, applicationId, reason });
      else kept.push(panel.applicationIndex.get(applicationId)!);
    }
    const m = kept.length;
    kept.forEach((a, i) => {
      const value = m - 1 - i;
      points[a] += juror.weight * value;
      contributions[a].push({ jurorId: juror.id, weight: juror.weight, value, figures: { position: i + 1, of: m } });
    });
  }

  const scores: ApplicationScore[] = panel.applicationIds.map((applicationId, a) => {
    const n = contributions[a].length;
    const score = points[a];
    return {
      applicationId,
      score,
      jurorCount: n,
      contributions: contributions[a],
      explanation: explain('BORDA', { jurorCount: n, score }, 'borda', { jurors: n, score: rounded(score) }),
    };
  });
  return { method: 'borda', scores, unranked: [], ignored: sortIgnored(ignored) };
}
