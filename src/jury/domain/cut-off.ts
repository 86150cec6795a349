import type { Criterion, ScoredCriteriaResult } from './methods/scored-criteria.js';
import type { ApplicationId } from './panel.js';

/**
 * The cut-off staff enter is a mark on the criteria's scale ("12" on a 0–20 scale), never a z-score.
 * The scale of an application's score is the criteria's, weighted as the criteria are: with every
 * criterion on 0–20 it is 0–20.
 */
export interface Scale {
  readonly min: number;
  readonly max: number;
}

export function scaleOf(criteria: readonly Pick<Criterion, 'weight' | 'min' | 'max'>[]): Scale | null {
  const total = criteria.reduce((s, c) => s + c.weight, 0);
  if (!criteria.length || !(total > 0)) return null;
  return {
    min: criteria.reduce((s, c) => s + c.weight * c.min, 0) / total,
    max: criteria.reduce((s, c) => s + c.weight * c.max, 0) / total,
  };
}

/**
 * The cut-off in each application's score units. Without normalisation the score is a mark on the
 * scale: the cut-off is the same for everyone. With z-scores, the mark is converted with each juror's
 * own mean and spread, z = (cut-off − mean) / spread (0 for a juror who gave one mark to everything,
 * as their scores are), and averaged over the application's jurors with the weights its score used:
 * the application passes when it scores at least what a mark of exactly the cut-off from each of its
 * jurors would have scored.
 */
export function cutOffInScores(result: ScoredCriteriaResult, cutOff: number): Map<ApplicationId, number> {
  const out = new Map<ApplicationId, number>();
  if (result.normalisation !== 'z_score') {
    for (const s of result.scores) out.set(s.applicationId, cutOff);
    return out;
  }
  const scales = new Map(result.jurorScales.map((j) => [j.jurorId, j]));
  for (const s of result.scores) {
    let sumW = 0;
    let sumWZ = 0;
    for (const c of s.contributions) {
      const j = scales.get(c.jurorId);
      const z = !j || j.degenerate ? 0 : (cutOff - j.mean) / j.standardDeviation;
      sumW += c.weight;
      sumWZ += c.weight * z;
    }
    out.set(s.applicationId, sumW > 0 ? sumWZ / sumW : 0);
  }
  return out;
}
