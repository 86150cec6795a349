import type { Message, MessageValues } from '../../common/i18n/message.js';
import { juryError } from './errors.js';

export type JurorId = string;
export type ApplicationId = string;

export interface Juror {
  readonly id: JurorId;
  /** How much this juror's ballots count relative to the others (1 for an ordinary juror); must be > 0. */
  readonly weight: number;
}

/** A juror and an application: a declared conflict, or one line of an assignment. */
export interface JurorApplicationPair {
  readonly jurorId: JurorId;
  readonly applicationId: ApplicationId;
}
export type Conflict = JurorApplicationPair;

/** Who may count for what. Every method takes this, so conflicts are filtered in one place. */
export interface Panel {
  /** The eligible applications (after screening). Ballots on any other application are ignored. */
  readonly applicationIds: readonly ApplicationId[];
  readonly jurors: readonly Juror[];
  readonly conflicts?: readonly Conflict[];
  /** When given, a juror counts only for the applications assigned to them. */
  readonly assignments?: readonly JurorApplicationPair[];
}

/** Why a ballot (or part of one) was left out of the count. */
export type IgnoreReason = 'unknown_juror' | 'unknown_application' | 'conflict' | 'not_assigned';

export interface IgnoredBallot {
  readonly jurorId: JurorId;
  readonly applicationId: ApplicationId;
  readonly reason: IgnoreReason;
}

/**
 * How a figure was reached, for staff: a code and the figures for pages that phrase it themselves,
 * and the sentence as a message descriptor (`jury.expl.<...>` and its values), rendered in the
 * reader's language where it is shown.
 */
export interface Explanation extends Message {
  readonly code: string;
  readonly figures: Readonly<Record<string, number | string>>;
}

/** One juror's part in an application's score. */
export interface Contribution {
  readonly jurorId: JurorId;
  readonly weight: number;
  /** What this juror brought before weighting (a mean score, a z-score, Borda points, 1 for a favourite...). */
  readonly value: number;
  readonly figures?: Readonly<Record<string, number>>;
}

export interface ApplicationScore {
  readonly applicationId: ApplicationId;
  readonly score: number;
  /** Distinct jurors who counted for this application. */
  readonly jurorCount: number;
  /** In juror id order. */
  readonly contributions: readonly Contribution[];
  readonly explanation: Explanation;
}

export interface UnrankedApplication {
  readonly applicationId: ApplicationId;
  readonly reason: 'below_quorum';
  readonly jurorCount: number;
  readonly explanation: Explanation;
}

export type JuryMethod = 'scored_criteria' | 'favourites' | 'borda' | 'pairwise';

/**
 * What every method returns. Lists are sorted by id (not by score: ranking belongs to selection), so the
 * same ballots in any order give an identical result.
 */
export interface MethodResult<M extends JuryMethod = JuryMethod> {
  readonly method: M;
  readonly scores: readonly ApplicationScore[];
  readonly unranked: readonly UnrankedApplication[];
  readonly ignored: readonly IgnoredBallot[];
}

/** Code-unit order: unlike localeCompare it does not depend on the server's locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tolerance under which two scores are the same score (ties, cut-off). */
export const SCORE_EPSILON = 1e-9;

/** The panel, validated and indexed: jurors and applications by position in id order. */
export interface IndexedPanel {
  readonly jurors: readonly Juror[];
  readonly jurorIndex: ReadonlyMap<JurorId, number>;
  readonly applicationIds: readonly ApplicationId[];
  readonly applicationIndex: ReadonlyMap<ApplicationId, number>;
  /** Why this juror may not count for this application, or null when they may. */
  screen(jurorId: JurorId, applicationId: ApplicationId): IgnoreReason | null;
}

export function indexPanel(panel: Panel, options: { checkWeights?: boolean } = {}): IndexedPanel {
  const jurors = [...panel.jurors].sort((a, b) => compareIds(a.id, b.id));
  const jurorIndex = new Map<JurorId, number>();
  jurors.forEach((j, i) => {
    if (jurorIndex.has(j.id)) throw juryError('JUROR_DUPLICATE', { jurorId: j.id });
    if (options.checkWeights !== false && !(Number.isFinite(j.weight) && j.weight > 0)) {
      throw juryError('JUROR_WEIGHT_INVALID', { jurorId: j.id, weight: j.weight });
    }
    jurorIndex.set(j.id, i);
  });
  const applicationIds = [...new Set(panel.applicationIds)].sort(compareIds);
  const applicationIndex = new Map<ApplicationId, number>(applicationIds.map((id, i) => [id, i]));
  const conflicts = pairsByJuror(panel.conflicts ?? []);
  const assigned = panel.assignments ? pairsByJuror(panel.assignments) : null;
  return {
    jurors,
    jurorIndex,
    applicationIds,
    applicationIndex,
    screen(jurorId, applicationId) {
      if (!jurorIndex.has(jurorId)) return 'unknown_juror';
      if (!applicationIndex.has(applicationId)) return 'unknown_application';
      // A declared conflict wins over everything else: it must never count, whatever the assignment says.
      if (conflicts.get(jurorId)?.has(applicationId)) return 'conflict';
      if (assigned && !assigned.get(jurorId)?.has(applicationId)) return 'not_assigned';
      return null;
    },
  };
}

export function pairsByJuror(pairs: readonly JurorApplicationPair[]): Map<JurorId, Set<ApplicationId>> {
  const byJuror = new Map<JurorId, Set<ApplicationId>>();
  for (const p of pairs) {
    let set = byJuror.get(p.jurorId);
    if (!set) byJuror.set(p.jurorId, (set = new Set()));
    set.add(p.applicationId);
  }
  return byJuror;
}

/** Sorted so that the list does not depend on the order ballots arrived in. */
export function sortIgnored(ignored: IgnoredBallot[]): IgnoredBallot[] {
  return ignored.sort((a, b) => compareIds(a.jurorId, b.jurorId) || compareIds(a.applicationId, b.applicationId) || compareIds(a.reason, b.reason));
}

/** Rounded for reading (the message formats it in the reader's language); the exact value stays in `score` and `figures`. */
export function rounded(x: number): number {
  return Number(x.toFixed(4));
}

export function explain(code: string, figures: Record<string, number | string>, key: string, values: MessageValues): Explanation {
  return { code, figures, key: `jury.expl.${key}`, values };
}

/** A part of an explanation (a clause, a tie-break), itself a message. */
export function part(key: string, values: MessageValues = {}): Message {
  return { key: `jury.expl.${key}`, values };
}

/** Positive integer check shared by quorum, k, maximum of favourites... */
export function isCount(n: unknown, min = 0): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min;
}
