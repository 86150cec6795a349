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
  type UnrankedApplication,
} from '../panel.js';

export interface Criterion {
  readonly id: string;
  /** Relative weight in a juror's score for an application; must be > 0. */
  readonly weight: number;
  readonly min: number;
  readonly max: number;
}

/** One juror's scores for one application, by criterion id. */
export interface ScoreBallot {
  readonly jurorId: JurorId;
  readonly applicationId: ApplicationId;
  readonly scores: Readonly<Record<string, number>>;
}

export type Normalisation = 'none' | 'z_score';

export interface ScoredCriteriaInput extends Panel {
  readonly criteria: readonly Criterion[];
  readonly ballots: readonly ScoreBallot[];
  /** `z_score` evens out strict and generous jurors: each juror's scores are centred and scaled before averaging. */
  readonly normalisation?: Normalisation;
  /** Fewest jurors' scores an application needs to be ranked (default 1). */
  readonly quorum?: number;
}

/** How one juror's scores were normalised (z-score only). */
export interface JurorScale {
  readonly jurorId: JurorId;
  readonly count: number;
  readonly mean: number;
  readonly standardDeviation: number;
  /** Fewer than two scores, or all the same: every z-score of this juror is 0 (they rate everything average). */
  readonly degenerate: boolean;
}

export interface ScoredCriteriaResult extends MethodResult<'scored_criteria'> {
  readonly normalisation: Normalisation;
  readonly quorum: number;
  /** In juror id order; empty without normalisation. */
  readonly jurorScales: readonly JurorScale[];
}

/** Below this a juror's spread is rounding noise, not a preference. */
const ZERO_SPREAD = 1e-12;

/**
 * Scores against weighted criteria. A juror's score for an application is the weighted mean of their
 * criterion scores; the application's score is the mean of its jurors' scores weighted by juror weight.
 */
export function aggregateScoredCriteria(input: ScoredCriteriaInput): ScoredCriteriaResult {
  const panel = indexPanel(input);
  const normalisation = input.normalisation ?? 'none';
  const quorum = input.quorum ?? 1;
  if (!isCount(quorum, 1)) throw juryError('QUORUM_INVALID', { quorum });
  const criteria = checkCriteria(input.criteria);
  const criterionIds = new Set(criteria.map((c) => c.id));
  const totalCriterionWeight = criteria.reduce((s, c) => s + c.weight, 0);

  // Bucket counted ballots by juror (juror id order), each bucket later sorted by application: sums then
  // run in one fixed order whatever the order the ballots came in, so results are bit-for-bit identical.
  const nApps = panel.applicationIds.length;
  const byJuror: { app: number; raw: number }[][] = panel.jurors.map(() => []);
  const seenIgnored = new Set<string>();
  const ignored: IgnoredBallot[] = [];
  for (const b of input.ballots) {
    for (const key in b.scores) {
      if (!criterionIds.has(key)) throw juryError('BALLOT_UNKNOWN_CRITERION', { jurorId: b.jurorId, applicationId: b.applicationId, criterion: key });
    }
    let weighted = 0;
    for (const c of criteria) {
      const v = b.scores[c.id];
      if (v === undefined) throw juryError('BALLOT_CRITERION_MISSING', { jurorId: b.jurorId, applicationId: b.applicationId, criterion: c.id });
      if (!(Number.isFinite(v) && v >= c.min && v <= c.max)) {
        throw juryError('BALLOT_SCORE_OUT_OF_SCALE', { jurorId: b.jurorId, applicationId: b.applicationId, criterion: c.id, min: c.min, max: c.max, value: v });
      }
      weighted += c.weight * v;
    }
    const reason = panel.screen(b.jurorId, b.applicationId);
    if (reason) {
      // Duplicates among counted ballots are caught below, once sorted; these few are checked here.
      const pairKey = `${b.jurorId}\u0000${b.applicationId}`;
      if (seenIgnored.has(pairKey)) throw juryError('BALLOT_DUPLICATE', { jurorId: b.jurorId, applicationId: b.applicationId });
      seenIgnored.add(pairKey);
      ignored.push({ jurorId: b.jurorId, applicationId: b.applicationId, reason });
      continue;
    }
    byJuror[panel.jurorIndex.get(b.jurorId)!].push({ app: panel.applicationIndex.get(b.applicationId)!, raw: weighted / totalCriterionWeight });
  }
  panel.jurors.forEach((juror, j) => {
    const list = byJuror[j].sort((x, y) => x.app - y.app);
    for (let i = 1; i < list.length; i++) {
      if (list[i].app === list[i - 1].app) throw juryError('BALLOT_DUPLICATE', { jurorId: juror.id, applicationId: panel.applicationIds[list[i].app] });
    }
  });

  const jurorScales: JurorScale[] = [];
  const sumW = new Float64Array(nApps);
  const sumWV = new Float64Array(nApps);
  const count = new Uint32Array(nApps);
  const contributions: Contribution[][] = panel.applicationIds.map(() => []);
  panel.jurors.forEach((juror, j) => {
    const list = byJuror[j];
    let mean = 0;
    let sd = 0;
    let degenerate = false;
    if (normalisation === 'z_score') {
      for (const s of list) mean += s.raw;
      mean = list.length ? mean / list.length : 0;
      let sq = 0;
      for (const s of list) sq += (s.raw - mean) ** 2;
      sd = list.length ? Math.sqrt(sq / list.length) : 0;
      degenerate = list.length < 2 || sd < ZERO_SPREAD;
      jurorScales.push({ jurorId: juror.id, count: list.length, mean, standardDeviation: sd, degenerate });
    }
    for (const s of list) {
      const value = normalisation === 'z_score' ? (degenerate ? 0 : (s.raw - mean) / sd) : s.raw;
      sumW[s.app] += juror.weight;
      sumWV[s.app] += juror.weight * value;
      count[s.app]++;
      contributions[s.app].push({ jurorId: juror.id, weight: juror.weight, value, figures: { raw: s.raw } });
    }
  });

  const scores: ApplicationScore[] = [];
  const unranked: UnrankedApplication[] = [];
  const norm = normalisation === 'z_score';
  panel.applicationIds.forEach((applicationId, a) => {
    const n = count[a];
    if (n < quorum) {
      unranked.push({
        applicationId,
        reason: 'below_quorum',
        jurorCount: n,
        explanation: explain('BELOW_QUORUM', { jurorCount: n, quorum }, 'belowQuorumScored', { jurors: n, quorum }),
      });
      return;
    }
    const score = sumWV[a] / sumW[a];
    const figures = { jurorCount: n, weightedSum: sumWV[a], totalWeight: sumW[a], score };
    scores.push({
      applicationId,
      score,
      jurorCount: n,
      contributions: contributions[a],
      explanation: explain(norm ? 'SCORED_CRITERIA_Z' : 'SCORED_CRITERIA', figures, 'scored', {
        jurors: n,
        normalised: norm ? 'yes' : 'no',
        sum: rounded(sumWV[a]),
        weight: rounded(sumW[a]),
        score: rounded(score),
      }),
    });
  });
  return { method: 'scored_criteria', normalisation, quorum, scores, unranked, ignored: sortIgnored(ignored), jurorScales };
}

function checkCriteria(criteria: readonly Criterion[]): readonly Criterion[] {
  if (criteria.length === 0) throw juryError('CRITERIA_INVALID', { reason: 'none' });
  const ids = new Set<string>();
  for (const c of criteria) {
    if (ids.has(c.id)) throw juryError('CRITERIA_INVALID', { criterion: c.id, reason: 'duplicate' });
    ids.add(c.id);
    if (!(Number.isFinite(c.weight) && c.weight > 0)) throw juryError('CRITERIA_INVALID', { criterion: c.id, reason: 'weight' });
    if (!(Number.isFinite(c.min) && Number.isFinite(c.max) && c.min < c.max)) throw juryError('CRITERIA_INVALID', { criterion: c.id, reason: 'scale' });
  }
  return criteria;
}
