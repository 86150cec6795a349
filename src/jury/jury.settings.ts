import type { Localized } from '../common/i18n/localized.js';
import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { scaleOf, type JuryMethod, type Normalisation, type Quota, type TieBreaker } from './domain/index.js';
import type { Jury } from './jury.entity.js';

export interface JuryCriterion {
  id: string;
  label: Localized;
  weight: number;
  min: number;
  max: number;
}

/** Quota groups and tie-break keys the service knows how to read from an application. */
export const QUOTA_DIMENSIONS = ['category', 'commune'] as const;
export const TIE_BREAK_KEYS = ['jurorCount', 'submittedAt'] as const;

/** Everything staff choose for a jury, stored as one JSON document on `jury.settings`. */
export interface JurySettings {
  criteria: JuryCriterion[];
  normalisation: Normalisation;
  quorum: number;
  maxFavourites: number;
  /** Jurors do not see the applicant's name, organisation, e-mail or phone. */
  blindReview: boolean;
  /** null: every juror reads every application; a number: that many jurors per application. */
  jurorsPerApplication: number | null;
  laureates: number;
  waitingList: number;
  /**
   * Minimum score to be selected, as staff enter it: a mark on the criteria's scale for scored criteria
   * ("12" on 0–20, converted for z-scores in src/jury/domain/cut-off.ts), the method's score otherwise.
   */
  cutOff: number | null;
  /** A normalised cut-off stored before cut-offs were marks (migration 1796190000000); gone at the next save. */
  cutOffZ?: number | null;
  quotas: Quota[];
  tieBreakers: TieBreaker[];
}

export const DEFAULT_SETTINGS: JurySettings = {
  criteria: [],
  normalisation: 'none',
  quorum: 1,
  maxFavourites: 10,
  blindReview: false,
  jurorsPerApplication: null,
  laureates: 10,
  waitingList: 0,
  cutOff: null,
  quotas: [],
  tieBreakers: [{ key: 'jurorCount', prefer: 'higher' }],
};

/** Rules that cross fields (the DTO checks each field alone). */
export function checkSettings(method: JuryMethod, s: JurySettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (method === 'scored_criteria') {
    if (!s.criteria.length) problems.push(fieldProblem('criteria', 'validation.needsCriterion'));
    const ids = new Set<string>();
    s.criteria.forEach((c, i) => {
      if (ids.has(c.id)) problems.push(fieldProblem(`criteria[${i}].id`, 'validation.unique'));
      ids.add(c.id);
      if (!(c.min < c.max)) problems.push(fieldProblem(`criteria[${i}].max`, 'validation.maxBelowMin'));
    });
    // The cut-off is a mark on the criteria's scale, so it must lie on it.
    const scale = scaleOf(s.criteria);
    if (scale && s.cutOff !== null && s.cutOff < scale.min - 1e-9) problems.push(fieldProblem('cutOff', 'validation.min', { min: scale.min }));
    if (scale && s.cutOff !== null && s.cutOff > scale.max + 1e-9) problems.push(fieldProblem('cutOff', 'validation.max', { max: scale.max }));
  }
  const seenKeys = new Set<string>();
  s.tieBreakers.forEach((t, i) => {
    if (seenKeys.has(t.key)) problems.push(fieldProblem(`tieBreakers[${i}].key`, 'validation.unique'));
    seenKeys.add(t.key);
  });
  return problems;
}

/** The jury's settings, defaults filled in (none stored yet: all defaults). */
export function settingsOf(jury: Jury | null): JurySettings {
  return { ...DEFAULT_SETTINGS, ...(jury?.settings ?? {}) };
}
